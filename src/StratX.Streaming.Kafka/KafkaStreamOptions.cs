namespace StratX.Streaming.Kafka;

/// <summary>
/// Settings of one Kafka stream provider: where the topic is, how to authenticate, how much to cache and where
/// checkpoints go. Bindable from configuration (every property but <see cref="OAuthBearerTokenProvider"/>).
/// </summary>
public sealed class KafkaStreamOptions
{
    /// <summary>The default number of partitions, and so of Orleans queues.</summary>
    public const int DefaultPartitions = 8;

    /// <summary>The default size of each queue's cache of undelivered batches.</summary>
    public const int DefaultCacheSize = 4096;

    /// <summary>The default number of records one read of a partition hands to the pulling agent.</summary>
    public const int DefaultMaxBatchMessages = 256;

    /// <summary>Brokers to bootstrap from, <c>HOST:PORT,...</c> (librdkafka's <c>bootstrap.servers</c>).</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>The topic carrying the provider's streams. It must have at least <see cref="Partitions"/> partitions.</summary>
    public string Topic { get; set; } = "";

    /// <summary>
    /// How many partitions of <see cref="Topic"/> the provider uses: one Orleans queue per partition, partitions
    /// <c>0..Partitions-1</c>. Changing it moves streams to other partitions, so keep it fixed for a topic.
    /// </summary>
    public int Partitions { get; set; } = DefaultPartitions;

    /// <summary>
    /// The consumer group id given to the partition readers. Offsets are never committed to Kafka (the checkpoint store
    /// holds them); the id only names the readers for the broker. Defaults to <c>orleans-streams-PROVIDER</c>.
    /// </summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>The client id prefix of the producer and readers (librdkafka's <c>client.id</c>). Defaults to <c>orleans-PROVIDER</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary>librdkafka's <c>security.protocol</c>: <c>PLAINTEXT</c>, <c>SSL</c>, <c>SASL_PLAINTEXT</c> or <c>SASL_SSL</c>. Unset means librdkafka's default (plaintext).</summary>
    public string? SecurityProtocol { get; set; }

    /// <summary>librdkafka's <c>sasl.mechanism</c>: <c>PLAIN</c>, <c>SCRAM-SHA-256</c>, <c>SCRAM-SHA-512</c>, <c>OAUTHBEARER</c>...</summary>
    public string? SaslMechanism { get; set; }

    /// <summary>The SASL user name (<c>$ConnectionString</c> for an Event Hubs connection string).</summary>
    public string? SaslUsername { get; set; }

    /// <summary>The SASL password (the Event Hubs connection string itself when <see cref="SaslUsername"/> is <c>$ConnectionString</c>).</summary>
    [Orleans.Redact]
    public string? SaslPassword { get; set; }

    /// <summary>
    /// Supplies OAUTHBEARER tokens (for example Entra ID tokens for Event Hubs): called whenever librdkafka asks for a
    /// token, it returns the token and when it expires. Required when <see cref="SaslMechanism"/> is <c>OAUTHBEARER</c>,
    /// unless <see cref="KafkaSettings"/> configures librdkafka's own OIDC client (<c>sasl.oauthbearer.method=oidc</c>).
    /// </summary>
    public Func<CancellationToken, Task<(string Token, DateTimeOffset ExpiresAt)>>? OAuthBearerTokenProvider { get; set; }

    /// <summary>The principal name reported with OAUTHBEARER tokens. Defaults to <see cref="SaslUsername"/>, then <c>orleans</c>.</summary>
    public string? OAuthBearerPrincipal { get; set; }

    /// <summary>
    /// Any other librdkafka setting, by its librdkafka name (<c>ssl.ca.location</c>, <c>socket.keepalive.enable</c>...),
    /// applied to the producer and to the readers after the settings above, so these win. <c>acks</c>,
    /// <c>enable.auto.commit</c> and <c>enable.auto.offset.store</c> are the provider's own and are refused here.
    /// </summary>
    public Dictionary<string, string> KafkaSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>librdkafka settings for the producer only (<c>linger.ms</c>, <c>compression.type</c>...), applied after <see cref="KafkaSettings"/>.</summary>
    public Dictionary<string, string> ProducerSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>librdkafka settings for the partition readers only (<c>fetch.max.bytes</c>, <c>isolation.level</c>...), applied after <see cref="KafkaSettings"/>.</summary>
    public Dictionary<string, string> ConsumerSettings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether the producer is idempotent (no duplicates or reordering from its own retries). On by default.</summary>
    public bool EnableIdempotence { get; set; } = true;

    /// <summary>At most this many records are handed to the pulling agent per read of a partition.</summary>
    public int MaxBatchMessages { get; set; } = DefaultMaxBatchMessages;

    /// <summary>
    /// How many batches each queue's cache holds before it reports pressure and the pulling agent stops reading that
    /// partition until consumers catch up (backpressure).
    /// </summary>
    public int CacheSize { get; set; } = DefaultCacheSize;

    /// <summary>The PostgreSQL connection string of the checkpoint store (Npgsql syntax). Required on silos unless another checkpointer is configured.</summary>
    [Orleans.Redact]
    public string? CheckpointConnectionString { get; set; }

    /// <summary>Checkpoints are written at most this often per partition (and always on shutdown). Default one second.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether silos create the checkpoint table when it is missing (an idempotent <c>CREATE TABLE IF NOT EXISTS</c>). On by default.</summary>
    public bool EnsureCheckpointSchema { get; set; } = true;

    /// <summary>
    /// Points the options at an Event Hubs namespace's Kafka endpoint with a connection string: bootstrap
    /// <c>NAMESPACE.servicebus.windows.net:9093</c>, <c>SASL_SSL</c> with <c>PLAIN</c>, user <c>$ConnectionString</c> and the
    /// connection string as the password. An <c>EntityPath</c> in the connection string becomes the <see cref="Topic"/>.
    /// </summary>
    public KafkaStreamOptions UseEventHubsConnectionString(string connectionString)
    {
        var parts = EventHubsConnectionString.Parse(connectionString);
        BootstrapServers = $"{parts.Host}:9093";
        SecurityProtocol = "SASL_SSL";
        SaslMechanism = "PLAIN";
        SaslUsername = "$ConnectionString";
        SaslPassword = connectionString;
        if (parts.EntityPath is { Length: > 0 } entity)
        {
            Topic = entity;
        }

        return this;
    }

    /// <summary>
    /// Points the options at an Event Hubs namespace's Kafka endpoint with Entra ID: bootstrap
    /// <c>NAMESPACE.servicebus.windows.net:9093</c>, <c>SASL_SSL</c> with <c>OAUTHBEARER</c>, tokens from <paramref name="tokenProvider"/>
    /// (for the scope <c>https://NAMESPACE.servicebus.windows.net/.default</c>).
    /// </summary>
    public KafkaStreamOptions UseEventHubsEntraId(string fullyQualifiedNamespace, Func<CancellationToken, Task<(string Token, DateTimeOffset ExpiresAt)>> tokenProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fullyQualifiedNamespace);
        ArgumentNullException.ThrowIfNull(tokenProvider);
        var host = fullyQualifiedNamespace.Trim();
        host = host.Contains("://", StringComparison.Ordinal) ? new Uri(host).Host : host.Split(':')[0].TrimEnd('/');
        BootstrapServers = $"{host}:9093";
        SecurityProtocol = "SASL_SSL";
        SaslMechanism = "OAUTHBEARER";
        SaslUsername = null;
        SaslPassword = null;
        OAuthBearerTokenProvider = tokenProvider;
        return this;
    }
}
