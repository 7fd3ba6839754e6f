using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace StratX.Streaming.Kafka;

/// <summary>
/// The cache of one partition's batches between reading and delivery: Orleans' <see cref="SimpleQueueCache"/>
/// (which releases batches, oldest first, once every consumer's cursor has passed them) with exact backpressure: it
/// reports pressure once it holds <see cref="KafkaStreamOptions.CacheSize"/> undelivered batches, and never asks
/// for more than the room it has left.
/// </summary>
internal sealed class KafkaQueueCache : IQueueCache
{
    private readonly SimpleQueueCache _inner;
    private readonly int _capacity;

    public KafkaQueueCache(int capacity, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _inner = new SimpleQueueCache(capacity, logger);
    }

    /// <summary>How many batches the cache holds.</summary>
    public int Size => _inner.Size;

    /// <summary>
    /// The most the next read may add: the room left, at most a tenth of the capacity per read. Never zero: the pulling
    /// agent only releases delivered batches on a read attempt, and <see cref="IsUnderPressure"/> is what stops the read.
    /// </summary>
    public int GetMaxAddCount() => Math.Max(1, Math.Min(_inner.GetMaxAddCount(), _capacity - _inner.Size));

    public bool IsUnderPressure() => _inner.Size >= _capacity;

    public void AddToCache(IList<IBatchContainer> messages) => _inner.AddToCache(messages);

    /// <summary>Releases the oldest batches every cursor has passed; the agent passes them to <see cref="IQueueAdapterReceiver.MessagesDeliveredAsync(IList{IBatchContainer}, CancellationToken)"/>.</summary>
    public bool TryPurgeFromCache([MaybeNullWhen(false)] out IList<IBatchContainer> purgedItems) => _inner.TryPurgeFromCache(out purgedItems);

    [Obsolete("Use TryGetCacheCursor instead.")]
    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token) => _inner.GetCacheCursor(streamId, token);

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursor(StreamId streamId, StreamSequenceToken? token) =>
        ((IQueueCache)_inner).TryGetCacheCursor(streamId, token);

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursorAtPosition(StreamId streamId, StreamSubscriptionStartPosition startPosition) =>
        ((IQueueCache)_inner).TryGetCacheCursorAtPosition(streamId, startPosition);
}

/// <summary>Creates a <see cref="KafkaQueueCache"/> per queue.</summary>
internal sealed class KafkaQueueAdapterCache(int capacity, string providerName, ILoggerFactory loggerFactory) : IQueueAdapterCache
{
    public IQueueCache CreateQueueCache(QueueId queueId) =>
        new KafkaQueueCache(capacity, loggerFactory.CreateLogger($"{typeof(KafkaQueueCache).FullName}.{providerName}.{queueId}"));
}
