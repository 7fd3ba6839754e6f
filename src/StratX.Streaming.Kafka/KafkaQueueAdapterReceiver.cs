using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace StratX.Streaming.Kafka;

/// <summary>
/// Reads one partition for the pulling agent that owns its queue. It starts after the partition's checkpoint (or at
/// the beginning), reads without blocking the agent, skips records that are not the provider's, and advances the
/// checkpoint as the cache releases delivered batches.
/// </summary>
internal sealed partial class KafkaQueueAdapterReceiver : IQueueAdapterReceiver, IDisposable
{
    private static readonly TimeSpan RetryStartAfter = TimeSpan.FromSeconds(5);

    private readonly string _providerName;
    private readonly KafkaStreamOptions _options;
    private readonly int _partition;
    private readonly KafkaRecordCodec _codec;
    private readonly Func<string, CancellationToken, Task<IStreamQueueCheckpointer<string>>> _checkpointers;
    private readonly Action<KafkaQueueAdapterReceiver> _onClosed;
    private readonly ILogger _logger;
    private readonly Lock _readGate = new();
    private IConsumer<byte[], byte[]>? _consumer;
    private IStreamQueueCheckpointer<string>? _checkpointer;
    private DeliveryTracker? _tracker;
    private TimeSpan _initTimeout = TimeSpan.FromSeconds(5);
    private bool _closed;
    private DateTime _nextStartAttempt;

    public KafkaQueueAdapterReceiver(
        string providerName,
        KafkaStreamOptions options,
        int partition,
        KafkaRecordCodec codec,
        Func<string, CancellationToken, Task<IStreamQueueCheckpointer<string>>> checkpointers,
        Action<KafkaQueueAdapterReceiver> onClosed,
        ILogger logger)
    {
        _providerName = providerName;
        _options = options;
        _partition = partition;
        _codec = codec;
        _checkpointers = checkpointers;
        _onClosed = onClosed;
        _logger = logger;
    }

    /// <summary>The checkpoint store's name for this partition: <c>TOPIC:PARTITION</c>.</summary>
    public string CheckpointName => CheckpointNameOf(_options.Topic, _partition);

    /// <summary>The offset every record up to which is delivered, or -1.</summary>
    public long Checkpoint => _tracker?.Checkpoint ?? -1;

    /// <summary>The checkpoint store's name for a partition: <c>TOPIC:PARTITION</c> (Kafka topic names cannot contain ':').</summary>
    public static string CheckpointNameOf(string topic, int partition) => string.Create(CultureInfo.InvariantCulture, $"{topic}:{partition}");

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _initTimeout = timeout;
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            return [];
        }

        if (_consumer is null)
        {
            // Initialisation failed before (checkpoint store or broker unreachable): try again every few seconds.
            if (DateTime.UtcNow < _nextStartAttempt)
            {
                return [];
            }

            try
            {
                await StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _nextStartAttempt = DateTime.UtcNow + RetryStartAfter;
                LogStartFailed(ex, _providerName, _options.Topic, _partition);
                return [];
            }
        }

        var tracker = _tracker!;
        var limit = maxCount > 0 ? Math.Min(maxCount, _options.MaxBatchMessages) : _options.MaxBatchMessages;
        var batches = new List<IBatchContainer>(Math.Min(limit, 64));
        lock (_readGate)
        {
            try
            {
                // A zero timeout only takes what librdkafka has already fetched in the background: the agent's
                // scheduler thread never blocks, and the agent's timer brings it back. Skipped records count
                // towards the limit too, so a run of foreign records cannot hold the agent.
                for (var taken = 0; taken < limit && _consumer?.Consume(TimeSpan.Zero) is { } record; taken++)
                {
                    if (record.IsPartitionEOF)
                    {
                        continue;
                    }

                    var batch = _codec.TryDecode(record, out var problem);
                    if (batch is null)
                    {
                        LogRecordSkipped(_options.Topic, record.Partition.Value, record.Offset.Value, problem!);
                        tracker.Skipped(record.Offset.Value);
                        continue;
                    }

                    tracker.Read(record.Offset.Value);
                    batches.Add(batch);
                }
            }
            catch (ConsumeException ex)
            {
                LogReadFailed(ex, _options.Topic, _partition, ex.Error.Reason);
            }
        }

        SaveProgress();
        return batches;
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        if (_tracker is { } tracker)
        {
            foreach (var message in messages)
            {
                if (message is KafkaBatchContainer { Offset: >= 0 } batch)
                {
                    tracker.Delivered(batch.Offset);
                }
            }

            SaveProgress();
        }

        return Task.CompletedTask;
    }

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        LogStopping(_options.Topic, _partition, Checkpoint);
        try
        {
            if (_checkpointer is { } checkpointer)
            {
                SaveProgress();
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(timeout);
                await checkpointer.FlushAsync(deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            LogFlushFailed(ex, _options.Topic, _partition);
        }
        finally
        {
            await Task.Run(CloseConsumer, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops reading without writing a checkpoint (the silo is going away without a shutdown).</summary>
    public void Dispose() => CloseConsumer();

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_consumer is not null || _closed)
        {
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_initTimeout);
        var checkpointer = _checkpointer ?? await _checkpointers(CheckpointName, deadline.Token).ConfigureAwait(false);
        _checkpointer = checkpointer;
        var stored = await checkpointer.Load(deadline.Token).ConfigureAwait(false);
        var checkpoint = checkpointer.CheckpointExists && long.TryParse(stored, NumberStyles.Integer, CultureInfo.InvariantCulture, out var offset) ? offset : -1;
        var start = checkpoint >= 0 ? new Offset(checkpoint + 1) : Offset.Beginning;
        var consumer = KafkaClients.CreateConsumer(_options, _providerName, _partition, _logger);
        consumer.Assign(new TopicPartitionOffset(_options.Topic, new Partition(_partition), start));
        _tracker = new DeliveryTracker(checkpoint);
        _consumer = consumer;
        LogStarted(_options.Topic, _partition, checkpoint >= 0 ? start.Value.ToString(CultureInfo.InvariantCulture) : "the beginning");
    }

    private void SaveProgress()
    {
        if (_checkpointer is { } checkpointer && _tracker is { Checkpoint: >= 0 } tracker)
        {
            // Called on every read too, unchanged: the checkpointer writes at most once per interval, and a repeat lets a
            // write held back by that interval go out once it has passed.
            checkpointer.Update(tracker.Checkpoint.ToString(CultureInfo.InvariantCulture), DateTime.UtcNow, CancellationToken.None);
        }
    }

    private void CloseConsumer()
    {
        IConsumer<byte[], byte[]>? consumer;
        lock (_readGate)
        {
            consumer = _consumer;
            _consumer = null;
            _closed = true;
        }

        if (consumer is null)
        {
            return;
        }

        try
        {
            consumer.Close();
        }
        catch (Exception ex) when (ex is KafkaException or ObjectDisposedException)
        {
            LogCloseFailed(ex, _options.Topic, _partition);
        }
        finally
        {
            consumer.Dispose();
            _onClosed(this);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading {Topic} partition {Partition} from {Start}.")]
    private partial void LogStarted(string topic, int partition, string start);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {Provider} could not start reading {Topic} partition {Partition}; it tries again in a few seconds.")]
    private partial void LogStartFailed(Exception exception, string provider, string topic, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped the record at {Topic} partition {Partition} offset {Offset}: it was not written by the Orleans Kafka stream provider ({Problem}).")]
    private partial void LogRecordSkipped(string topic, int partition, long offset, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading {Topic} partition {Partition} failed: {Reason}.")]
    private partial void LogReadFailed(Exception exception, string topic, int partition, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping the reader of {Topic} partition {Partition} at checkpoint {Checkpoint}.")]
    private partial void LogStopping(string topic, int partition, long checkpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The checkpoint of {Topic} partition {Partition} could not be written while stopping; the next reader re-reads from the last written one.")]
    private partial void LogFlushFailed(Exception exception, string topic, int partition);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The reader of {Topic} partition {Partition} did not close cleanly.")]
    private partial void LogCloseFailed(Exception exception, string topic, int partition);
}
