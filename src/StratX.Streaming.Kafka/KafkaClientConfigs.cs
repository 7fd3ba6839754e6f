using Confluent.Kafka;

namespace StratX.Streaming.Kafka;

/// <summary>
/// Turns <see cref="KafkaStreamOptions"/> into librdkafka settings for the provider's producer and partition readers.
/// The settings the delivery guarantee rests on (acks from all in-sync replicas, no automatic offset commits) are always set.
/// </summary>
public static class KafkaClientConfigs
{
    /// <summary>Setting names <see cref="KafkaStreamOptions.KafkaSettings"/> may not override.</summary>
    public static IReadOnlySet<string> ReservedSettings { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "acks", "request.required.acks", "enable.auto.commit", "enable.auto.offset.store",
    };

    /// <summary>The producer's settings: acks=all, idempotence as configured, the security settings and the extra settings.</summary>
    public static ProducerConfig ForProducer(KafkaStreamOptions options, string providerName)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Streams favour latency: a record waits at most 1 ms for others to share its request (librdkafka: 5 ms).
        var config = new ProducerConfig { LingerMs = 1 };
        ApplyCommon(config, options, providerName, "producer");
        ApplyExtra(config, options.KafkaSettings);
        ApplyExtra(config, options.ProducerSettings);
        config.Acks = Acks.All;
        config.EnableIdempotence = options.EnableIdempotence;
        return config;
    }

    /// <summary>The settings of the reader of one partition: manual assignment, no offset commits, earliest when the checkpoint is gone.</summary>
    public static ConsumerConfig ForConsumer(KafkaStreamOptions options, string providerName, int partition)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ConsumerConfig
        {
            GroupId = string.IsNullOrWhiteSpace(options.ConsumerGroup) ? $"orleans-streams-{providerName}" : options.ConsumerGroup,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,

            // A broker holds an empty fetch at most 10 ms (librdkafka: 500 ms), so a record written to a quiet
            // partition is read within a poll or two instead of half a second later.
            FetchWaitMaxMs = 10,
        };
        ApplyCommon(config, options, providerName, $"p{partition}");
        ApplyExtra(config, options.KafkaSettings);
        ApplyExtra(config, options.ConsumerSettings);
        config.EnableAutoCommit = false;
        config.EnableAutoOffsetStore = false;
        return config;
    }

    /// <summary>The settings of the short-lived admin client that checks the topic's partitions.</summary>
    public static AdminClientConfig ForAdmin(KafkaStreamOptions options, string providerName)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AdminClientConfig();
        ApplyCommon(config, options, providerName, "admin");
        ApplyExtra(config, options.KafkaSettings);
        return config;
    }

    private static void ApplyCommon(ClientConfig config, KafkaStreamOptions options, string providerName, string role)
    {
        config.BootstrapServers = options.BootstrapServers;
        var clientId = string.IsNullOrWhiteSpace(options.ClientId) ? $"orleans-{providerName}" : options.ClientId;
        config.ClientId = $"{clientId}-{role}";
        // librdkafka reads both case-insensitively; these are the spellings Confluent's typed properties parse back.
        SetIfPresent(config, "security.protocol", options.SecurityProtocol?.Trim().ToLowerInvariant());
        SetIfPresent(config, "sasl.mechanism", options.SaslMechanism?.Trim().ToUpperInvariant());
        SetIfPresent(config, "sasl.username", options.SaslUsername);
        SetIfPresent(config, "sasl.password", options.SaslPassword);
    }

    private static void ApplyExtra(ClientConfig config, Dictionary<string, string> settings)
    {
        foreach (var (key, value) in settings)
        {
            if (ReservedSettings.Contains(key))
            {
                throw new ArgumentException($"The librdkafka setting '{key}' is set by the Kafka stream provider itself and cannot be overridden.", nameof(settings));
            }

            config.Set(key, value);
        }
    }

    private static void SetIfPresent(ClientConfig config, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            config.Set(key, value);
        }
    }
}
