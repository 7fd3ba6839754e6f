using StratX.Domain.Events;
using StratX.Domain.Laps;
using StratX.Grains.Views;

namespace StratX.Grains.Cars;

/// <summary>What a car grain persists. The sequence numbers make redelivered and replayed events harmless.</summary>
[GenerateSerializer]
public sealed class CarState
{
    [Id(0)]
    public string? DriverCode { get; set; }

    [Id(1)]
    public string? DriverName { get; set; }

    [Id(2)]
    public string? Team { get; set; }

    [Id(3)]
    public int? GridPosition { get; set; }

    /// <summary>The last timing event applied (laps, stints, pit stops).</summary>
    [Id(4)]
    public long LastTimingSequence { get; set; }

    /// <summary>The last telemetry sample applied.</summary>
    [Id(5)]
    public long LastTelemetrySequence { get; set; }

    [Id(6)]
    public List<LapRecord> Laps { get; set; } = [];

    [Id(7)]
    public List<StintSummary> Stints { get; set; } = [];

    [Id(8)]
    public List<PitStopView> Stops { get; set; } = [];

    [Id(9)]
    public double? PaceDeltaToField { get; set; }

    [Id(10)]
    public TelemetrySample? LatestTelemetry { get; set; }

    /// <summary>Telemetry of laps whose summary is not made yet (see <see cref="LapTelemetryTracker"/>).</summary>
    [Id(11)]
    public LapTelemetrySnapshot? PendingLapTelemetry { get; set; }

    public StintSummary? CurrentStint => Stints.Count == 0 ? null : Stints[^1];
}
