using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Laps;
using StratX.Domain.Racing;

namespace StratX.Grains.Views;

/// <summary>What a car tells its session when it completes a lap.</summary>
[GenerateSerializer, Immutable]
public sealed record CarLapReport
{
    [Id(0)]
    public required CarId Car { get; init; }

    [Id(1)]
    public required int LapNumber { get; init; }

    [Id(2)]
    public required DateTimeOffset CrossedAt { get; init; }

    [Id(3)]
    public double? LapTime { get; init; }

    [Id(4)]
    public int? Position { get; init; }

    [Id(5)]
    public RaceGap? GapToLeader { get; init; }

    [Id(6)]
    public RaceGap? Interval { get; init; }

    [Id(7)]
    public TyreCompound Compound { get; init; }

    [Id(8)]
    public int? TyreAge { get; init; }

    [Id(9)]
    public bool PitIn { get; init; }

    [Id(10)]
    public double? RollingPace { get; init; }

    [Id(11)]
    public int Stops { get; init; }

    /// <summary>When the lap was ingested (UTC ticks), carried on to the updates it causes.</summary>
    [Id(12)]
    public long IngestedAtTicks { get; init; }

    /// <summary>The lap itself, for the session's model features.</summary>
    [Id(13)]
    public LapCompleted? Lap { get; init; }

    /// <summary>Telemetry summaries of the car's last laps that have one, by lap (the anomaly rules read them).</summary>
    [Id(14)]
    public IReadOnlyDictionary<int, LapTelemetrySummary>? Telemetry { get; init; }
}

/// <summary>The field's pace, as the session knows it, for a car to compare itself with.</summary>
[GenerateSerializer, Immutable]
public sealed record FieldPace(
    [property: Id(0)] double? MedianRollingPace,
    [property: Id(1)] int CarsWithPace,
    [property: Id(2)] int? ScheduledLaps = null,
    [property: Id(3)] string? Circuit = null);
