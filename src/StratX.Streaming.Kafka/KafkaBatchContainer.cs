using Orleans.Streams;

namespace StratX.Streaming.Kafka;

/// <summary>
/// One Kafka record's content: the events of one <c>OnNextAsync</c>/<c>OnNextBatchAsync</c> call for one stream, with the
/// caller's request context. Written with the Orleans serializer; its sequence token is set from the record's offset when read.
/// </summary>
[Serializable]
[GenerateSerializer]
[Alias("stratx.kafka.batch")]
public sealed class KafkaBatchContainer : IBatchContainer
{
    public KafkaBatchContainer(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        StreamId = streamId;
        Events = events;
        RequestContext = requestContext;
    }

    /// <inheritdoc />
    [Id(0)]
    public StreamId StreamId { get; private set; }

    /// <summary>The events, in the order they were produced.</summary>
    [Id(1)]
    public List<object> Events { get; private set; }

    /// <summary>The producer's request context, restored around delivery.</summary>
    [Id(2)]
    public Dictionary<string, object>? RequestContext { get; private set; }

    [Id(3)]
    private KafkaSequenceToken? _token;

    /// <summary>The token of the batch: its record's offset, event 0. Set when the record is read.</summary>
    public StreamSequenceToken SequenceToken => _token ?? throw new InvalidOperationException("The batch has no sequence token until it is read from Kafka.");

    /// <summary>The Kafka offset the batch was read from.</summary>
    public long Offset => _token?.Offset ?? -1;

    internal void SetOffset(long offset) => _token = new KafkaSequenceToken(offset);

    /// <inheritdoc />
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        var token = (KafkaSequenceToken)SequenceToken;
        for (var i = 0; i < Events.Count; i++)
        {
            if (Events[i] is T item)
            {
                yield return Tuple.Create(item, (StreamSequenceToken)token.ForEvent(i));
            }
        }
    }

    /// <inheritdoc />
    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }

    public override string ToString() => $"[KafkaBatchContainer {StreamId} offset {Offset}, {Events.Count} event(s)]";
}
