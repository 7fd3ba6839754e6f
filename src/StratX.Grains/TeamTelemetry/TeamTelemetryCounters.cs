using System.Collections.Immutable;

namespace StratX.Grains.TeamTelemetry;

/// <summary>What one silo's team telemetry source has done since the silo started; plain data, ready to serve as JSON.</summary>
public sealed record TeamTelemetrySourceStatus
{
    public required bool Enabled { get; init; }

    /// <summary>The consumer loop is running (it may still be waiting for the silo or for partitions).</summary>
    public required bool Running { get; init; }

    public required string Topic { get; init; }

    public required string DeadLetterTopic { get; init; }

    public required string ConsumerGroup { get; init; }

    /// <summary>The partitions this silo consumes now, e.g. "stratx.telemetry [[2]]".</summary>
    public required IReadOnlyList<string> Partitions { get; init; }

    /// <summary>Messages finished: applied or dead-lettered (a redelivered message counts again).</summary>
    public required long Finished { get; init; }

    public required long Accepted { get; init; }

    public required long AcceptedSamples { get; init; }

    public required long DeadLettered { get; init; }

    /// <summary>Dead-lettered messages by reason code; every code is present.</summary>
    public required IReadOnlyDictionary<string, long> Rejected { get; init; }

    /// <summary>Times a message could not be finished and was tried again.</summary>
    public required long Retries { get; init; }

    public DateTimeOffset? LastFinishedAt { get; init; }

    public string? LastError { get; init; }

    public DateTimeOffset? LastErrorAt { get; init; }
}

/// <summary>The source's counters: written by its consumer loop, read by anyone.</summary>
internal sealed class TeamTelemetryCounters
{
    private readonly long[] _rejected = new long[TelemetryRejectionReasons.All.Max(r => (int)r) + 1];
    private long _finished;
    private long _accepted;
    private long _acceptedSamples;
    private long _deadLettered;
    private long _retries;
    private long _lastFinishedTicks;
    private ErrorNote? _lastError;
    private ImmutableSortedSet<string> _partitions = [];

    public void Accepted(int samples)
    {
        Interlocked.Increment(ref _accepted);
        Interlocked.Add(ref _acceptedSamples, samples);
    }

    public void Rejected(TelemetryRejectionReason reason)
    {
        Interlocked.Increment(ref _rejected[(int)reason]);
        Interlocked.Increment(ref _deadLettered);
    }

    public void Finished(DateTimeOffset at)
    {
        Interlocked.Increment(ref _finished);
        Interlocked.Exchange(ref _lastFinishedTicks, at.UtcTicks);
    }

    public void Retried(string error, DateTimeOffset at)
    {
        Interlocked.Increment(ref _retries);
        Failed(error, at);
    }

    public void Failed(string error, DateTimeOffset at) => Volatile.Write(ref _lastError, new ErrorNote(error, at));

    public void Assigned(IReadOnlyCollection<string> partitions, bool add) =>
        ImmutableInterlocked.Update(ref _partitions, set => add ? set.Union(partitions) : set.Except(partitions));

    public TeamTelemetrySourceStatus Snapshot(TeamTelemetryOptions options, bool running)
    {
        var lastFinished = Interlocked.Read(ref _lastFinishedTicks);
        var lastError = Volatile.Read(ref _lastError);
        return new TeamTelemetrySourceStatus
        {
            Enabled = options.Enabled,
            Running = running,
            Topic = options.Topic,
            DeadLetterTopic = options.DeadLetterTopic,
            ConsumerGroup = options.ConsumerGroup,
            Partitions = [.. Volatile.Read(ref _partitions)],
            Finished = Interlocked.Read(ref _finished),
            Accepted = Interlocked.Read(ref _accepted),
            AcceptedSamples = Interlocked.Read(ref _acceptedSamples),
            DeadLettered = Interlocked.Read(ref _deadLettered),
            Rejected = TelemetryRejectionReasons.All.ToDictionary(r => r.Code(), r => Interlocked.Read(ref _rejected[(int)r])),
            Retries = Interlocked.Read(ref _retries),
            LastFinishedAt = lastFinished == 0 ? null : new DateTimeOffset(lastFinished, TimeSpan.Zero),
            LastError = lastError?.Message,
            LastErrorAt = lastError?.At,
        };
    }

    private sealed record ErrorNote(string Message, DateTimeOffset At);
}
