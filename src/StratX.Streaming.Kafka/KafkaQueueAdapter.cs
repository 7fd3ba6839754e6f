using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace StratX.Streaming.Kafka;

/// <summary>
/// Writes stream batches to the topic (one record per batch, in the partition of the stream's queue) and creates
/// the partition readers. One per provider, with one producer shared by all writes.
/// </summary>
public sealed class KafkaQueueAdapter : IQueueAdapter, IDisposable
{
    private readonly KafkaStreamOptions _options;
    private readonly IStreamQueueMapper _mapper;
    private readonly KafkaRecordCodec _codec;
    private readonly KafkaEventProducer _producer;
    private readonly Func<string, CancellationToken, Task<IStreamQueueCheckpointer<string>>> _checkpointers;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ConcurrentDictionary<KafkaQueueAdapterReceiver, byte> _receivers = new();

    internal KafkaQueueAdapter(
        string name,
        KafkaStreamOptions options,
        IStreamQueueMapper mapper,
        KafkaRecordCodec codec,
        Func<string, CancellationToken, Task<IStreamQueueCheckpointer<string>>> checkpointers,
        ILoggerFactory loggerFactory)
    {
        Name = name;
        _options = options;
        _mapper = mapper;
        _codec = codec;
        _checkpointers = checkpointers;
        _loggerFactory = loggerFactory;
        var logger = loggerFactory.CreateLogger($"{typeof(KafkaQueueAdapter).FullName}.{name}");
        _producer = new KafkaEventProducer(KafkaClients.CreateProducer(options, name, logger), options.Topic, logger);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>True: consumers may subscribe from a token of a batch still in the queue's cache.</summary>
    public bool IsRewindable => true;

    /// <inheritdoc />
    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>
    /// Writes the events as one record to the partition of the stream's queue. The record is handed to librdkafka
    /// before this returns, so calls made in order are written in order; the task completes once the broker has
    /// acknowledged the record from all in-sync replicas, and fails if it could not.
    /// </summary>
    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (token is not null)
        {
            throw new ArgumentException("The Kafka stream provider assigns sequence tokens itself; producers cannot pass one.", nameof(token));
        }

        var batch = new KafkaBatchContainer(streamId, events.Cast<object>().ToList(), requestContext);
        var partition = KafkaQueues.PartitionOf(_mapper.GetQueueForStream(streamId), _options.Partitions);
        return _producer.ProduceAsync(partition, _codec.Encode(streamId, batch));
    }

    /// <summary>Creates the reader of the queue's partition.</summary>
    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var partition = KafkaQueues.PartitionOf(queueId, _options.Partitions);
        var receiver = new KafkaQueueAdapterReceiver(
            Name,
            _options,
            partition,
            _codec,
            _checkpointers,
            closed => _receivers.TryRemove(closed, out _),
            _loggerFactory.CreateLogger($"{typeof(KafkaQueueAdapterReceiver).FullName}.{Name}"));
        _receivers.TryAdd(receiver, 0);
        return receiver;
    }

    /// <summary>Closes the readers still open (without checkpointing: a silo that stops cleanly shut them down before) and the producer, after flushing it.</summary>
    public void Dispose()
    {
        foreach (var receiver in _receivers.Keys)
        {
            receiver.Dispose();
        }

        _producer.Dispose();
    }
}
