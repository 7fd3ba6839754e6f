using StratX.Domain.Events;

namespace StratX.Ingestion.Replay;

public sealed record ReplayOptions
{
    public ReplaySpeed Speed { get; init; } = ReplaySpeed.Max;

    /// <summary>
    /// With a paced <see cref="Speed"/>: everything up to the first car's completion of this lap goes out as
    /// fast as the sink takes it, pacing starts there ("catch up to lap N, then play").
    /// </summary>
    public int? PaceFromLap { get; init; }

    /// <summary>Items before this time are read (they keep their sequence numbers) but not published.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>Skip what a previous run already delivered.</summary>
    public ReplayPosition? ResumeAfter { get; init; }

    /// <summary>Telemetry samples per batch at most.</summary>
    public int MaxBatchSamples { get; init; } = 256;

    /// <summary>How long (wall time) a sample may wait for its batch to fill.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);
}

/// <param name="Events">Events published (laps, stints, stops, session events).</param>
/// <param name="Samples">Telemetry samples published.</param>
/// <param name="Batches">Telemetry batches published.</param>
/// <param name="Skipped">Items read but not published (before the start, or already delivered).</param>
public sealed record ReplayStats(long Events, long Samples, long Batches, long Skipped, TimeSpan Elapsed);
