using Confluent.Kafka;

namespace StratX.Grains.TeamTelemetry;

/// <summary>
/// The team telemetry source (section <c>StratX:TeamTelemetry</c>). Connection settings left empty fall back to
/// the shared <c>Kafka</c> section (<c>Kafka:BootstrapServers</c>, <c>Kafka:SecurityProtocol</c>,
/// <c>Kafka:SaslMechanism</c>, <c>Kafka:SaslUsername</c>, <c>Kafka:SaslPassword</c>). For Azure Event Hubs'
/// Kafka endpoint: bootstrap <c>NAMESPACE.servicebus.windows.net:9093</c>, <c>SaslSsl</c>, <c>Plain</c>, user
/// <c>$ConnectionString</c>, password the connection string.
/// </summary>
public sealed class TeamTelemetryOptions
{
    public const string Section = "StratX:TeamTelemetry";

    /// <summary>The shared Kafka connection section the connection settings fall back to.</summary>
    public const string KafkaSection = "Kafka";

    /// <summary>Off unless switched on: a silo without a broker must not try to reach one.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>HOST:PORT,...</c>; falls back to <c>Kafka:BootstrapServers</c>.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>
    /// The shared topic: a message on it acts for the tenant its body names, so any sender able to write to it can
    /// name any tenant. Empty: only <see cref="TenantTopics"/> are read.
    /// </summary>
    public string Topic { get; set; } = "stratx.telemetry";

    /// <summary>
    /// Topics of one tenant each (topic name → tenant id), read beside <see cref="Topic"/>. A message on one must
    /// name a car of that tenant, else it is dead-lettered as <c>wrong-tenant</c> before it reaches any grain. Give
    /// each team write access to its own topic only (Kafka ACLs, or an Event Hubs send policy per event hub) and
    /// a team cannot act for another even with a forged body.
    /// </summary>
    public Dictionary<string, string> TenantTopics { get; set; } = [];

    /// <summary>Every topic the source reads: the shared one (unless empty) and each tenant's.</summary>
    public IReadOnlyList<string> Topics => [.. new[] { Topic }.Where(t => !string.IsNullOrWhiteSpace(t)).Concat(TenantTopics.Keys)];

    public string DeadLetterTopic { get; set; } = "stratx.telemetry.dead-letter";

    /// <summary>Every silo joins this group, so the topic's partitions are shared among the silos.</summary>
    public string ConsumerGroup { get; set; } = "stratx-team-telemetry";

    /// <summary>Messages above this many bytes (the value, before parsing) are dead-lettered as <c>oversized</c>.</summary>
    public int MaxMessageBytes { get; set; } = TeamTelemetryValidator.DefaultMaxMessageBytes;

    public SecurityProtocol? SecurityProtocol { get; set; }

    public SaslMechanism? SaslMechanism { get; set; }

    public string? SaslUsername { get; set; }

    public string? SaslPassword { get; set; }

    /// <summary>Where a new consumer group starts: <c>Earliest</c> keeps what teams sent before StratX first ran.</summary>
    public AutoOffsetReset AutoOffsetReset { get; set; } = AutoOffsetReset.Earliest;

    /// <summary>
    /// Offsets of finished messages (applied or dead-lettered) are committed at most this often, and always when
    /// partitions are revoked and when the source stops. After a crash at most this much is redelivered, which
    /// the sequence numbers turn into <c>duplicate</c>s.
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First wait before a message whose processing failed (grain, storage, dead-letter topic) is tried again; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a session's cars (or the fact that it does not exist) are cached on a silo.</summary>
    public TimeSpan RosterCacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Further librdkafka consumer settings (e.g. <c>session.timeout.ms</c>), applied last.</summary>
    public Dictionary<string, string> ConsumerSettings { get; set; } = [];

    /// <summary>Further librdkafka settings of the dead-letter producer, applied last.</summary>
    public Dictionary<string, string> ProducerSettings { get; set; } = [];
}
