using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Recordings;

namespace StratX.Grains.Ingestion;

/// <summary>Replay a recorded race into a session.</summary>
[GenerateSerializer, Immutable]
public sealed record ReplayRequest
{
    [Id(0)]
    public required SessionKey Session { get; init; }

    [Id(1)]
    public required RecordingLocation Recording { get; init; }

    /// <summary>1 = real time, N = N times faster; null = as fast as possible.</summary>
    [Id(2)]
    public double? Speed { get; init; }

    /// <summary>Skip what was recorded before the start (formation lap, grid): sensible for watching, not for benchmarks.</summary>
    [Id(3)]
    public bool FromRaceStart { get; init; }

    [Id(4)]
    public bool IncludeTelemetry { get; init; } = true;

    /// <summary>With a paced speed: catch up as fast as possible to the leader's completion of this lap, then play at <see cref="Speed"/>.</summary>
    [Id(5)]
    public int? PaceFromLap { get; init; }

    /// <summary>Resume a replay that was interrupted (its silo died): skip what the grains had applied by then.</summary>
    [Id(6)]
    public ReplayPosition? ResumeAfter { get; init; }

    /// <summary>How many times the replay has been resumed so far.</summary>
    [Id(7)]
    public int Resumes { get; init; }

    /// <summary>
    /// The most input events (timing and race-control events, telemetry samples one by one) the replay publishes
    /// per second, whatever its speed: its tenant's quota, so that one team's full-speed replays cannot take the
    /// cluster from another team's live race. Null: no limit.
    /// </summary>
    [Id(8)]
    public int? MaxEventsPerSecond { get; init; }

    /// <summary>
    /// With <see cref="IncludeTelemetry"/>: replay only these cars' telemetry, as a team that receives car data
    /// for its own cars and timing for the field would have it; null for every car's.
    /// </summary>
    [Id(9)]
    public IReadOnlyList<CarId>? TelemetryCars { get; init; }
}

/// <summary>Where a recording is on the silo's disk and in which format.</summary>
[GenerateSerializer, Immutable]
public sealed record RecordingLocation
{
    [Id(0)]
    public required RecordingFormat Format { get; init; }

    /// <summary>An OpenF1 race folder, or a FastF1 race_laps_YYYY.csv file.</summary>
    [Id(1)]
    public required string Path { get; init; }

    /// <summary>The round to take from a season file (FastF1 only).</summary>
    [Id(2)]
    public int? Round { get; init; }

    /// <summary>A bundled race's catalog id, when it came from the catalog.</summary>
    [Id(3)]
    public string? CatalogId { get; init; }
}
