namespace StratX.Streaming.Kafka;

/// <summary>The two parts of an Event Hubs connection string the Kafka endpoint needs: the namespace host and the optional entity (hub) name.</summary>
internal readonly record struct EventHubsConnectionString(string Host, string? EntityPath)
{
    public static EventHubsConnectionString Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        string? host = null;
        string? entity = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = part[..equals].Trim();
            var value = part[(equals + 1)..].Trim();
            if (key.Equals("Endpoint", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(value, UriKind.Absolute, out var endpoint))
            {
                host = endpoint.Host;
            }
            else if (key.Equals("EntityPath", StringComparison.OrdinalIgnoreCase))
            {
                entity = value;
            }
        }

        if (string.IsNullOrEmpty(host))
        {
            throw new ArgumentException("The Event Hubs connection string has no Endpoint=sb://NAMESPACE.servicebus.windows.net/ part.", nameof(connectionString));
        }

        return new EventHubsConnectionString(host, entity);
    }
}
