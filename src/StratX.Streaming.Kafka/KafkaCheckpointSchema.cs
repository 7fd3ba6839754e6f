namespace StratX.Streaming.Kafka;

// PLACEHOLDER until the provider merges: the checkpoint table's script.
public static class KafkaCheckpointSchema
{
    public static IReadOnlyList<(string Name, string Sql)> Scripts { get; } = [];
}
