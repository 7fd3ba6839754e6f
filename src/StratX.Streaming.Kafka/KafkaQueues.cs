using Orleans.Streams;

namespace StratX.Streaming.Kafka;

/// <summary>
/// Queue-to-partition mapping. The provider's <see cref="HashRingBasedStreamQueueMapper"/> numbers its queues
/// <c>0..Partitions-1</c>, the same on every silo and client, and queue N reads and writes partition N.
/// </summary>
public static class KafkaQueues
{
    /// <summary>The stream queue mapper of a provider: one queue per partition, named after the provider.</summary>
    public static HashRingBasedStreamQueueMapper CreateMapper(string providerName, int partitions) =>
        new(new Orleans.Configuration.HashRingStreamQueueMapperOptions { TotalQueueCount = partitions }, providerName);

    /// <summary>The partition of a queue of the provider's mapper.</summary>
    public static int PartitionOf(QueueId queueId, int partitions)
    {
        var index = queueId.GetNumericId();
        if (index >= (uint)partitions)
        {
            throw new ArgumentOutOfRangeException(nameof(queueId), queueId, $"The queue is not one of the provider's {partitions} partition queues.");
        }

        return (int)index;
    }
}
