using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StratX.Streaming.Kafka;

/// <summary>
/// The provider's one producer. Each write is handed to librdkafka synchronously, inside the call, so writes issued
/// in order reach a partition in order (idempotence keeps them in order through retries); the returned task
/// completes when the broker has acknowledged the record from all in-sync replicas. When librdkafka's local queue is
/// full, writes wait in a backlog, still in order, instead of failing.
/// </summary>
internal sealed partial class KafkaEventProducer : IDisposable
{
    private static readonly TimeSpan FlushOnDispose = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxBacklogWait = TimeSpan.FromMilliseconds(50);

    private readonly IProducer<byte[], byte[]> _producer;
    private readonly string _topic;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Queue<PendingWrite> _backlog = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly SemaphoreSlim _roomFreed = new(0);
    private volatile bool _draining;

    public KafkaEventProducer(IProducer<byte[], byte[]> producer, string topic, ILogger logger)
    {
        _producer = producer;
        _topic = topic;
        _logger = logger;
    }

    /// <summary>Writes one record to a partition; completes when the broker acknowledged it.</summary>
    public Task ProduceAsync(int partition, Message<byte[], byte[]> message)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        var write = new PendingWrite(new TopicPartition(_topic, new Partition(partition)), message, OnAcknowledged);
        lock (_gate)
        {
            if (_backlog.Count == 0 && TryProduce(write))
            {
                return write.Task;
            }

            _backlog.Enqueue(write);
            if (!_draining)
            {
                _draining = true;
                LogQueueFull(_topic, partition);
                _ = Task.Run(DrainAsync);
            }
        }

        return write.Task;
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        lock (_gate)
        {
            while (_backlog.TryDequeue(out var write))
            {
                write.Fail(new ObjectDisposedException(nameof(KafkaEventProducer), "The stream provider stopped before the event could be handed to Kafka."));
            }
        }

        try
        {
            _producer.Flush(FlushOnDispose);
        }
        catch (Exception ex) when (ex is KafkaException or ObjectDisposedException)
        {
            LogFlushFailed(ex);
        }

        _producer.Dispose();
    }

    /// <summary>Hands a write to librdkafka; false when its local queue is full (called under the gate).</summary>
    private bool TryProduce(PendingWrite write)
    {
        try
        {
            _producer.Produce(write.Partition, write.Message, write.OnDelivered);
            return true;
        }
        catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
        {
            return false;
        }
        catch (Exception ex)
        {
            write.Fail(ex);
            return true;
        }
    }

    /// <summary>A delivery report frees room in librdkafka's queue: wake the backlog if it is waiting.</summary>
    private void OnAcknowledged()
    {
        if (_draining && _roomFreed.CurrentCount == 0)
        {
            _roomFreed.Release();
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            lock (_gate)
            {
                while (_backlog.TryPeek(out var next) && TryProduce(next))
                {
                    _backlog.Dequeue();
                }

                if (_backlog.Count == 0 || _disposed.IsCancellationRequested)
                {
                    _draining = false;
                    return;
                }
            }

            try
            {
                // Woken by the next delivery report, or after a short wait at the latest.
                await _roomFreed.WaitAsync(MaxBacklogWait, _disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    _draining = false;
                }

                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "librdkafka's local queue is full; writes to {Topic} (partition {Partition} and after) wait in order until it drains.")]
    private partial void LogQueueFull(string topic, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Kafka producer could not flush its queue while stopping.")]
    private partial void LogFlushFailed(Exception exception);

    private sealed class PendingWrite(TopicPartition partition, Message<byte[], byte[]> message, Action acknowledged)
    {
        private readonly TaskCompletionSource _acknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TopicPartition Partition { get; } = partition;

        public Message<byte[], byte[]> Message { get; } = message;

        public Task Task => _acknowledged.Task;

        public void OnDelivered(DeliveryReport<byte[], byte[]> report)
        {
            acknowledged();
            if (report.Error.IsError)
            {
                _acknowledged.TrySetException(new ProduceException<byte[], byte[]>(report.Error, report));
            }
            else if (report.Status != PersistenceStatus.Persisted)
            {
                _acknowledged.TrySetException(new KafkaException(new Error(Confluent.Kafka.ErrorCode.Unknown, $"The broker did not confirm the record ({report.Status}).")));
            }
            else
            {
                _acknowledged.TrySetResult();
            }
        }

        public void Fail(Exception exception) => _acknowledged.TrySetException(exception);
    }
}
