using StratX.Domain.Events;

namespace StratX.Grains.Ingestion;

/// <summary>How a session's ingestion is going: what was published, what the grains have applied, what was rejected.</summary>
[GenerateSerializer, Immutable]
public sealed record IngestionStatus
{
    [Id(0)]
    public required IngestionState State { get; init; }

    /// <summary>E.g. "2023-bahrain-race (OpenF1) at 10×".</summary>
    [Id(1)]
    public required string Source { get; init; }

    [Id(2)]
    public required DateTimeOffset StartedAt { get; init; }

    [Id(3)]
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Stream items published (events and telemetry batches).</summary>
    [Id(4)]
    public long Published { get; init; }

    /// <summary>Published items the grains have applied.</summary>
    [Id(5)]
    public long Applied { get; init; }

    [Id(6)]
    public long TelemetrySamples { get; init; }

    [Id(7)]
    public long Rejected { get; init; }

    /// <summary>The latest rejections, newest last ("file:line: reason").</summary>
    [Id(8)]
    public IReadOnlyList<string> RecentRejections { get; init; } = [];

    [Id(9)]
    public string? Error { get; init; }

    /// <summary>Items skipped because they were before the replay's start or already applied.</summary>
    [Id(10)]
    public long Skipped { get; init; }

    /// <summary>Published events other than telemetry (laps, stints, stops, session events).</summary>
    [Id(11)]
    public long Events { get; init; }

    /// <summary>How far the grains have applied this replay: where it resumes if its silo dies.</summary>
    [Id(12)]
    public ReplayPosition? Position { get; init; }

    /// <summary>How many times this replay was resumed on another silo after its own died.</summary>
    [Id(13)]
    public int Resumed { get; init; }

    /// <summary>The silo running the replay.</summary>
    [Id(14)]
    public string? Silo { get; init; }

    public bool IsFinished => State is IngestionState.Completed or IngestionState.Failed or IngestionState.Cancelled;
}

public enum IngestionState : byte
{
    Starting = 0,
    Running = 1,

    /// <summary>Everything is published; waiting for the grains to apply the rest.</summary>
    Draining = 2,
    Completed = 3,
    Failed = 4,
    Cancelled = 5,
}

/// <summary>Which stream of a session a position refers to.</summary>
public enum EventChannel : byte
{
    Timing = 0,
    Telemetry = 1,
    RaceControl = 2,
}
