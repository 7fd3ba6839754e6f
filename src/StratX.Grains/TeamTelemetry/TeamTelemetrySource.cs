using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StratX.Domain.Identity;
using StratX.Grains.Observability;
using StratX.Grains.Security;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace StratX.Grains.TeamTelemetry;

/// <summary>
/// Consumes the team telemetry topic on this silo, in the silos' shared consumer group: validates each message,
/// hands a valid one to its car's <see cref="ITeamTelemetryGrain"/>, and sends a rejected one to the dead-letter
/// topic with the reason. A message's offset is committed only after it was applied or dead-lettered
/// (at-least-once; a redelivery is a <c>duplicate</c>). Messages are handled one at a time, so each partition
/// in order. When a message cannot be decided (a grain call, storage or the dead-letter topic failed) its
/// partition is paused and the message tried again with a growing delay, while the other partitions go on.
/// Starts once the silo is active and stops before it leaves the active stage.
/// </summary>
public sealed partial class TeamTelemetrySource(
    IOptions<TeamTelemetryOptions> options,
    IGrainFactory grains,
    SessionRosters rosters,
    TimeProvider time,
    ILogger<TeamTelemetrySource> logger,
    StratXMetrics? metrics = null)
    : IHostedService, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>How long one poll may block; also how late a stop or a due retry is noticed.</summary>
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(200);

    private readonly IGrainFactory _grains = grains;
    private readonly SessionRosters _rosters = rosters;
    private readonly TimeProvider _time = time;
    private readonly ILogger<TeamTelemetrySource> _logger = logger;
    private readonly StratXMetrics? _metrics = metrics;
    private readonly TaskCompletionSource _siloActive = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TeamTelemetryCounters _counters = new();
    private CancellationTokenSource? _stopping;
    private Task? _loop;

    private TeamTelemetryOptions Options => options.Value;

    /// <summary>What this silo's source has done since the silo started.</summary>
    public TeamTelemetrySourceStatus GetStatus() => _counters.Snapshot(Options, _loop is { IsCompleted: false });

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(TeamTelemetrySource),
            ServiceLifecycleStage.Active,
            _ =>
            {
                _siloActive.TrySetResult();
                return Task.CompletedTask;
            },
            StopAsync);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = Options;
        if (!settings.Enabled)
        {
            LogDisabled();
            return;
        }

        Check(settings);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_loop is { IsCompleted: false })
            {
                return;
            }

            _stopping = new CancellationTokenSource();
            var token = _stopping.Token;
            _loop = Task.Run(() => RunAsync(token), CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Finishes the message in hand, commits what is finished and leaves the consumer group. May be started again.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            if (_loop is null)
            {
                return;
            }

            await _stopping!.CancelAsync();
            await _loop.WaitAsync(cancellationToken);
            _loop = null;
            _stopping.Dispose();
            _stopping = null;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _stopping?.Cancel();
        _stopping?.Dispose();
        _gate.Dispose();
    }

    private static void Check(TeamTelemetryOptions settings)
    {
        if (string.IsNullOrWhiteSpace(settings.BootstrapServers))
        {
            throw new InvalidOperationException($"{TeamTelemetryOptions.Section} is enabled but has no BootstrapServers (nor {TeamTelemetryOptions.KafkaSection}:BootstrapServers).");
        }

        if (settings.Topics.Count == 0 || string.IsNullOrWhiteSpace(settings.DeadLetterTopic) || settings.Topics.Contains(settings.DeadLetterTopic))
        {
            throw new InvalidOperationException($"{TeamTelemetryOptions.Section} needs a Topic or TenantTopics to read and a DeadLetterTopic that is none of them (now '{string.Join("', '", settings.Topics)}' and '{settings.DeadLetterTopic}').");
        }

        if (settings.TenantTopics.FirstOrDefault(t => string.IsNullOrWhiteSpace(t.Key) || t.Key == settings.Topic || !TenantId.IsValid(t.Value)) is { Key: not null } bad)
        {
            throw new InvalidOperationException($"{TeamTelemetryOptions.Section}:TenantTopics: '{bad.Key}' → '{bad.Value}' needs a topic other than the shared Topic and a valid tenant id.");
        }

        if (string.IsNullOrWhiteSpace(settings.ConsumerGroup) || settings.MaxMessageBytes <= 0)
        {
            throw new InvalidOperationException($"{TeamTelemetryOptions.Section} needs a ConsumerGroup and a positive MaxMessageBytes.");
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await _siloActive.Task.WaitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var settings = Options;
        var topics = string.Join(", ", settings.Topics);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                using var worker = new Worker(this, settings);
                LogStarted(topics, settings.ConsumerGroup, settings.DeadLetterTopic);
                await worker.RunAsync(stopping);
                LogStopped(topics);
                return;
            }
            catch (Exception e)
            {
                // A fatal client error or a broken configuration: start over with a new client after a pause.
                _counters.Failed(e.Message, _time.GetUtcNow());
                LogClientFailed(e, topics);
                try
                {
                    await Task.Delay(settings.MaxRetryDelay, _time, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static ClientConfig ClientConfig(TeamTelemetryOptions settings) => new()
    {
        BootstrapServers = settings.BootstrapServers,
        SecurityProtocol = settings.SecurityProtocol,
        SaslMechanism = settings.SaslMechanism,
        SaslUsername = settings.SaslUsername,
        SaslPassword = settings.SaslPassword,
        ClientId = $"stratx-team-telemetry-{Environment.MachineName}",
    };

    /// <summary>What was decided about one message: null rejection means applied.</summary>
    private readonly record struct Verdict(TelemetryRejection? Rejection, int Samples);

    /// <summary>A message being retried: its partition is paused until <see cref="ResumeAt"/>; a verdict already reached is kept, so only the dead-lettering is repeated.</summary>
    private sealed class Retry(long offset, int attempts, DateTimeOffset resumeAt, Verdict? verdict)
    {
        public long Offset { get; } = offset;

        public int Attempts { get; } = attempts;

        public DateTimeOffset ResumeAt { get; } = resumeAt;

        public Verdict? Verdict { get; } = verdict;

        public bool Paused { get; set; } = true;
    }

    /// <summary>One consumer and dead-letter producer, with the offsets and retries that belong to their assignment.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly TeamTelemetrySource _source;
        private readonly TeamTelemetryOptions _settings;
        private readonly IConsumer<byte[], byte[]> _consumer;
        private readonly IProducer<byte[], byte[]> _producer;
        private readonly Dictionary<TopicPartition, Offset> _finished = [];
        private readonly Dictionary<TopicPartition, Offset> _committed = [];
        private readonly Dictionary<TopicPartition, Retry> _retries = [];
        private DateTimeOffset _lastCommit;

        public Worker(TeamTelemetrySource source, TeamTelemetryOptions settings)
        {
            _source = source;
            _settings = settings;
            var consumerConfig = new ConsumerConfig(ClientConfig(settings))
            {
                GroupId = settings.ConsumerGroup,
                EnableAutoCommit = false,
                EnableAutoOffsetStore = false,
                AutoOffsetReset = settings.AutoOffsetReset,
                EnablePartitionEof = false,
            };
            foreach (var (key, value) in settings.ConsumerSettings)
            {
                consumerConfig.Set(key, value);
            }

            var producerConfig = new ProducerConfig(ClientConfig(settings))
            {
                EnableIdempotence = true,
                Acks = Acks.All,
                LingerMs = 5,
                MessageTimeoutMs = 30_000,
            };
            foreach (var (key, value) in settings.ProducerSettings)
            {
                producerConfig.Set(key, value);
            }

            var logger = source._logger;
            _producer = new ProducerBuilder<byte[], byte[]>(producerConfig)
                .SetLogHandler((_, m) => LogClient(logger, m))
                .SetErrorHandler((_, e) => source.LogKafkaError(e.Code, e.Reason, e.IsFatal))
                .Build();
            try
            {
                _consumer = new ConsumerBuilder<byte[], byte[]>(consumerConfig)
                    .SetLogHandler((_, m) => LogClient(logger, m))
                    .SetErrorHandler((_, e) => source.LogKafkaError(e.Code, e.Reason, e.IsFatal))
                    .SetPartitionsAssignedHandler((_, assigned) => OnAssigned(assigned))
                    .SetPartitionsRevokedHandler((_, revoked) => OnRevoked(revoked, commit: true))
                    .SetPartitionsLostHandler((_, lost) => OnRevoked(lost, commit: false))
                    .Build();
            }
            catch
            {
                _producer.Dispose();
                throw;
            }
        }

        private DateTimeOffset Now => _source._time.GetUtcNow();

        public async Task RunAsync(CancellationToken stopping)
        {
            _consumer.Subscribe(_settings.Topics);
            _lastCommit = Now;
            while (!stopping.IsCancellationRequested)
            {
                ResumeDuePartitions();
                ConsumeResult<byte[], byte[]>? result;
                try
                {
                    result = _consumer.Consume(PollTimeout);
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    _source._counters.Failed(e.Error.Reason, Now);
                    _source.LogConsumeFailed(e.Error.Code, e.Error.Reason);
                    continue;
                }

                if (result?.Message is not null)
                {
                    await HandleAsync(result);
                }

                if (Now - _lastCommit >= _settings.CommitInterval)
                {
                    Commit(null);
                }
            }

            Commit(null);
            _consumer.Close();
            _producer.Flush(TimeSpan.FromSeconds(10));
        }

        public void Dispose()
        {
            _consumer.Dispose();
            _producer.Dispose();
        }

        private async Task HandleAsync(ConsumeResult<byte[], byte[]> result)
        {
            var partition = result.TopicPartition;
            if (_retries.TryGetValue(partition, out var pending) && pending.Offset != result.Offset.Value)
            {
                // Fetched before its partition went back to the message being retried: it comes again after that one.
                return;
            }

            var retry = pending;
            Verdict verdict;
            try
            {
                verdict = retry?.Verdict ?? await DecideAsync(result);
            }
            catch (Exception e)
            {
                ScheduleRetry(result, retry, null, e);
                return;
            }

            if (verdict.Rejection is { } rejection)
            {
                try
                {
                    await DeadLetterAsync(result, rejection);
                }
                catch (Exception e)
                {
                    ScheduleRetry(result, retry, verdict, e);
                    return;
                }

                _source._counters.Rejected(rejection.Reason);
                _source._metrics?.Rejected("team", rejection.Code);
                _source.LogDeadLettered(result.Topic, result.Partition.Value, result.Offset.Value, rejection.Code, rejection.Detail);
            }
            else
            {
                _source._counters.Accepted(verdict.Samples);
                _source._metrics?.Ingested("team", "telemetry", verdict.Samples);
            }

            _retries.Remove(partition);
            _finished[partition] = result.Offset + 1;
            _source._counters.Finished(Now);
        }

        private async Task<Verdict> DecideAsync(ConsumeResult<byte[], byte[]> result)
        {
            var validation = TeamTelemetryValidator.Validate(result.Message.Value ?? [], _settings.MaxMessageBytes);
            if (validation.Message is not { } message)
            {
                return new Verdict(validation.Rejection, 0);
            }

            // A tenant's own topic speaks for that tenant only: a car of another is refused before any grain is asked.
            if (_settings.TenantTopics.TryGetValue(result.Topic, out var owner) && !string.Equals(owner, message.Car.Session.Tenant.Value, StringComparison.Ordinal))
            {
                return new Verdict(new TelemetryRejection(TelemetryRejectionReason.WrongTenant, $"topic {result.Topic} is tenant {owner}'s, the message names car {message.Car.Car} of tenant {message.Car.Session.Tenant}"), 0);
            }

            // The message names its car, and so its tenant: everything done for it acts for that tenant.
            using var tenant = TenantContext.Enter(message.Car.Session.Tenant);

            // Checked here as well as in the grain, so messages for made-up sessions and cars activate no grain.
            if ((await _source._rosters.GetAsync(message.Car.Session)).Check(message.Car) is { } unknown)
            {
                return new Verdict(unknown, 0);
            }

            var applied = await _source._grains.GetGrain<ITeamTelemetryGrain>(message.Car.ToString()).Apply(message);
            return new Verdict(applied.Rejection, applied.Accepted ? message.Samples.Length : 0);
        }

        private async Task DeadLetterAsync(ConsumeResult<byte[], byte[]> result, TelemetryRejection rejection)
        {
            try
            {
                await _producer.ProduceAsync(_settings.DeadLetterTopic, TeamTelemetryDeadLetter.Create(result, rejection));
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.MsgSizeTooLarge)
            {
                // The dead-letter topic takes less than the source topic did: the reason still goes, without the value.
                await _producer.ProduceAsync(_settings.DeadLetterTopic, TeamTelemetryDeadLetter.Create(result, rejection, dropValue: true));
            }
        }

        private void ScheduleRetry(ConsumeResult<byte[], byte[]> result, Retry? previous, Verdict? verdict, Exception error)
        {
            var attempts = (previous?.Attempts ?? 0) + 1;
            var delay = TimeSpan.FromTicks(Math.Min(_settings.MaxRetryDelay.Ticks, _settings.RetryDelay.Ticks * (1L << Math.Min(attempts - 1, 20))));
            _consumer.Pause([result.TopicPartition]);
            _consumer.Seek(result.TopicPartitionOffset);
            _retries[result.TopicPartition] = new Retry(result.Offset.Value, attempts, Now + delay, verdict);
            _source._counters.Retried(error.Message, Now);
            _source.LogRetry(error, result.Topic, result.Partition.Value, result.Offset.Value, attempts, delay);
        }

        private void ResumeDuePartitions()
        {
            foreach (var (partition, retry) in _retries)
            {
                if (retry.Paused && retry.ResumeAt <= Now)
                {
                    _consumer.Resume([partition]);
                    retry.Paused = false;
                }
            }
        }

        /// <summary>Commits the finished offsets (of <paramref name="only"/> these partitions, when given) not committed yet.</summary>
        private void Commit(IReadOnlyCollection<TopicPartition>? only)
        {
            _lastCommit = Now;
            var due = new List<TopicPartitionOffset>();
            foreach (var (partition, offset) in _finished)
            {
                if ((only is null || only.Contains(partition)) && (!_committed.TryGetValue(partition, out var committed) || committed != offset))
                {
                    due.Add(new TopicPartitionOffset(partition, offset));
                }
            }

            if (due.Count == 0)
            {
                return;
            }

            try
            {
                _consumer.Commit(due);
                foreach (var done in due)
                {
                    _committed[done.TopicPartition] = done.Offset;
                }
            }
            catch (KafkaException e)
            {
                // Tried again at the next interval; what is not committed is redelivered, and then a duplicate.
                _source._counters.Failed(e.Error.Reason, Now);
                _source.LogCommitFailed(e.Error.Code, e.Error.Reason);
            }
        }

        private void OnAssigned(List<TopicPartition> assigned)
        {
            _source._counters.Assigned([.. assigned.Select(p => p.ToString())], add: true);
            _source.LogAssigned(string.Join(", ", assigned));
        }

        private void OnRevoked(List<TopicPartitionOffset> revoked, bool commit)
        {
            var partitions = revoked.Select(p => p.TopicPartition).ToList();
            if (commit)
            {
                Commit(partitions);
            }

            foreach (var partition in partitions)
            {
                _finished.Remove(partition);
                _committed.Remove(partition);
                _retries.Remove(partition);
            }

            _source._counters.Assigned([.. partitions.Select(p => p.ToString())], add: false);
            _source.LogRevoked(string.Join(", ", partitions), commit);
        }

        private static void LogClient(ILogger logger, LogMessage message)
        {
            var level = message.Level <= SyslogLevel.Warning ? LogLevel.Warning : LogLevel.Debug;
            if (logger.IsEnabled(level))
            {
                LogClientMessage(logger, level, message.Name, message.Facility, message.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Team telemetry is disabled on this silo (StratX:TeamTelemetry:Enabled)")]
    private partial void LogDisabled();

    [LoggerMessage(Level = LogLevel.Information, Message = "Team telemetry: consuming {Topic} in group {Group}, dead letters to {DeadLetterTopic}")]
    private partial void LogStarted(string topic, string group, string deadLetterTopic);

    [LoggerMessage(Level = LogLevel.Information, Message = "Team telemetry: stopped consuming {Topic}")]
    private partial void LogStopped(string topic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Team telemetry: the Kafka client for {Topic} failed; starting a new one")]
    private partial void LogClientFailed(Exception error, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Team telemetry: Kafka error {Code}: {Reason} (fatal: {Fatal})")]
    private partial void LogKafkaError(ErrorCode code, string reason, bool fatal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Team telemetry: consume failed with {Code}: {Reason}")]
    private partial void LogConsumeFailed(ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Team telemetry: offset commit failed with {Code}: {Reason}; retrying at the next interval")]
    private partial void LogCommitFailed(ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Team telemetry: dead-lettered {Topic}[{Partition}]@{Offset}: {Reason}: {Detail}")]
    private partial void LogDeadLettered(string topic, int partition, long offset, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Team telemetry: {Topic}[{Partition}]@{Offset} could not be finished (attempt {Attempt}); its partition waits {Delay} and tries again")]
    private partial void LogRetry(Exception error, string topic, int partition, long offset, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Team telemetry: assigned {Partitions}")]
    private partial void LogAssigned(string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Team telemetry: gave up {Partitions} (committed: {Committed})")]
    private partial void LogRevoked(string partitions, bool committed);

    [LoggerMessage(Message = "librdkafka {Client} {Facility}: {Text}")]
    private static partial void LogClientMessage(ILogger logger, LogLevel level, string client, string facility, string text);
}
