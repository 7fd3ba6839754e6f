using Microsoft.Extensions.Options;

namespace StratX.Streaming.Kafka;

/// <summary>Checks a provider's <see cref="KafkaStreamOptions"/> when the silo or client starts.</summary>
public sealed class KafkaStreamOptionsValidator(KafkaStreamOptions options, string providerName) : IConfigurationValidator
{
    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem of the options.</summary>
    public void ValidateConfiguration()
    {
        var problems = Problems(options).ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(providerName, typeof(KafkaStreamOptions), problems.Select(p => $"Kafka stream provider '{providerName}': {p}"));
        }
    }

    /// <summary>What is wrong with the options, if anything.</summary>
    public static IEnumerable<string> Problems(KafkaStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            yield return "BootstrapServers is required.";
        }

        if (string.IsNullOrWhiteSpace(options.Topic))
        {
            yield return "Topic is required.";
        }
        else if (options.Topic.Contains(':', StringComparison.Ordinal))
        {
            yield return "Topic is not a valid Kafka topic name.";
        }

        if (options.Partitions < 1)
        {
            yield return "Partitions must be at least 1.";
        }

        if (options.MaxBatchMessages < 1)
        {
            yield return "MaxBatchMessages must be at least 1.";
        }

        if (options.CacheSize < 1)
        {
            yield return "CacheSize must be at least 1.";
        }

        if (options.CheckpointInterval <= TimeSpan.Zero)
        {
            yield return "CheckpointInterval must be positive.";
        }

        foreach (var (name, settings) in new[] { ("KafkaSettings", options.KafkaSettings), ("ProducerSettings", options.ProducerSettings), ("ConsumerSettings", options.ConsumerSettings) })
        {
            foreach (var key in settings.Keys.Where(KafkaClientConfigs.ReservedSettings.Contains))
            {
                yield return $"{name} may not set '{key}': the provider sets it itself.";
            }
        }

        if (string.Equals(options.SaslMechanism, "OAUTHBEARER", StringComparison.OrdinalIgnoreCase)
            && options.OAuthBearerTokenProvider is null
            && !options.KafkaSettings.ContainsKey("sasl.oauthbearer.method"))
        {
            yield return "SaslMechanism OAUTHBEARER needs OAuthBearerTokenProvider (or librdkafka's OIDC client through KafkaSettings 'sasl.oauthbearer.method').";
        }

        if (string.Equals(options.SaslMechanism, "PLAIN", StringComparison.OrdinalIgnoreCase)
            && (string.IsNullOrEmpty(options.SaslUsername) || string.IsNullOrEmpty(options.SaslPassword)))
        {
            yield return "SaslMechanism PLAIN needs SaslUsername and SaslPassword.";
        }
    }
}
