using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Laps;
using StratX.Domain.Racing;

namespace StratX.Grains.Views;

/// <summary>Everything live about one car.</summary>
[GenerateSerializer, Immutable]
public sealed record CarView
{
    [Id(0)]
    public required CarKey Key { get; init; }

    [Id(1)]
    public required string DriverCode { get; init; }

    [Id(2)]
    public string? DriverName { get; init; }

    [Id(3)]
    public string? Team { get; init; }

    [Id(4)]
    public int? Position { get; init; }

    [Id(5)]
    public required int LapsCompleted { get; init; }

    [Id(6)]
    public LapRecord? LastLap { get; init; }

    [Id(7)]
    public LapRecord? BestLap { get; init; }

    /// <summary>Mean of the last few clean laps (see <see cref="Domain.Laps.RollingPace"/>).</summary>
    [Id(8)]
    public double? RollingPace { get; init; }

    /// <summary>Rolling pace minus the field's median rolling pace: negative is faster than the field.</summary>
    [Id(9)]
    public double? PaceDeltaToField { get; init; }

    [Id(10)]
    public RaceGap? GapToLeader { get; init; }

    [Id(11)]
    public RaceGap? IntervalToAhead { get; init; }

    [Id(12)]
    public StintSummary? CurrentStint { get; init; }

    [Id(13)]
    public required IReadOnlyList<PitStopView> Stops { get; init; }

    [Id(14)]
    public TelemetrySample? LatestTelemetry { get; init; }

    [Id(15)]
    public int? GridPosition { get; init; }

    [Id(16)]
    public bool InPit { get; init; }
}

/// <summary>A stint as the car keeps it; the stint's own grain has the pace analysis (<see cref="StintView"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record StintSummary
{
    [Id(0)]
    public required int Number { get; init; }

    [Id(1)]
    public required int LapStart { get; init; }

    /// <summary>The last completed lap of the stint (before its first lap completes: LapStart − 1).</summary>
    [Id(2)]
    public required int LapEnd { get; init; }

    [Id(3)]
    public required TyreCompound Compound { get; init; }

    [Id(4)]
    public required int TyreAgeAtStart { get; init; }

    public int Laps => Math.Max(0, LapEnd - LapStart + 1);

    public int TyreAge => TyreAgeAtStart + Laps;
}

[GenerateSerializer, Immutable]
public sealed record PitStopView
{
    [Id(0)]
    public required CarId Car { get; init; }

    [Id(1)]
    public required int StopNumber { get; init; }

    [Id(2)]
    public required int InLap { get; init; }

    [Id(3)]
    public double? PitLaneSeconds { get; init; }

    [Id(4)]
    public required DateTimeOffset At { get; init; }

    [Id(5)]
    public TyreCompound? NewCompound { get; init; }
}
