using System.Globalization;
using Orleans.Streams;

namespace StratX.Streaming.Kafka;

/// <summary>
/// A position in a Kafka-backed stream: the record's offset in its partition and the event's index within the
/// record's batch. A stream always lives in one partition, so tokens of a stream are totally ordered.
/// </summary>
[Serializable]
[GenerateSerializer]
[Immutable]
[Alias("stratx.kafka.token")]
public sealed class KafkaSequenceToken : StreamSequenceToken
{
    public KafkaSequenceToken(long offset, int eventIndex = 0)
    {
        SequenceNumber = offset;
        EventIndex = eventIndex;
    }

    /// <summary>The Kafka offset of the record.</summary>
    [Id(0)]
    public override long SequenceNumber { get; protected set; }

    /// <summary>The event's index within the record's batch.</summary>
    [Id(1)]
    public override int EventIndex { get; protected set; }

    /// <summary>The Kafka offset of the record (same as <see cref="SequenceNumber"/>).</summary>
    public long Offset => SequenceNumber;

    /// <summary>The token of the <paramref name="eventIndex"/>th event of the same record.</summary>
    public KafkaSequenceToken ForEvent(int eventIndex) => new(SequenceNumber, eventIndex);

    public override bool Equals(StreamSequenceToken? other) =>
        other is KafkaSequenceToken token && token.SequenceNumber == SequenceNumber && token.EventIndex == EventIndex;

    public override bool Equals(object? obj) => obj is StreamSequenceToken token && Equals(token);

    public override int GetHashCode() => HashCode.Combine(SequenceNumber, EventIndex);

    public override int CompareTo(StreamSequenceToken? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (other is not KafkaSequenceToken)
        {
            throw new ArgumentException($"A Kafka sequence token cannot be compared with a {other.GetType().Name}.", nameof(other));
        }

        var byOffset = SequenceNumber.CompareTo(other.SequenceNumber);
        return byOffset != 0 ? byOffset : EventIndex.CompareTo(other.EventIndex);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"[kafka offset {SequenceNumber}, event {EventIndex}]");
}
