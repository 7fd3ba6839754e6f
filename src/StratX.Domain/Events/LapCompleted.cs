using Orleans;
using StratX.Domain.Racing;

namespace StratX.Domain.Events;

/// <summary>
/// A car crossed the timing line and completed a lap. <see cref="RaceEvent.OccurredAt"/> is the crossing.
/// Times are in seconds and speeds in km/h; a value the feed did not give is null.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LapCompleted : CarEvent
{
    [Id(0)]
    public required int LapNumber { get; init; }

    [Id(1)]
    public double? LapTime { get; init; }

    [Id(2)]
    public double? Sector1 { get; init; }

    [Id(3)]
    public double? Sector2 { get; init; }

    [Id(4)]
    public double? Sector3 { get; init; }

    /// <summary>Speed at the first intermediate trap.</summary>
    [Id(5)]
    public double? SpeedI1 { get; init; }

    /// <summary>Speed at the second intermediate trap.</summary>
    [Id(6)]
    public double? SpeedI2 { get; init; }

    /// <summary>Speed at the finish line.</summary>
    [Id(7)]
    public double? SpeedFinishLine { get; init; }

    /// <summary>Speed at the speed trap on the longest straight.</summary>
    [Id(8)]
    public double? SpeedTrap { get; init; }

    [Id(9)]
    public TyreCompound Compound { get; init; }

    /// <summary>Laps on this set of tyres at the end of this lap, counting laps run before the race.</summary>
    [Id(10)]
    public int? TyreAge { get; init; }

    [Id(11)]
    public int? Stint { get; init; }

    /// <summary>The lap ended in the pit lane (the car stopped at the end of it).</summary>
    [Id(12)]
    public bool PitIn { get; init; }

    /// <summary>The lap started in the pit lane.</summary>
    [Id(13)]
    public bool PitOut { get; init; }

    /// <summary>Position when crossing the line at the end of this lap.</summary>
    [Id(14)]
    public int? Position { get; init; }

    [Id(15)]
    public RaceGap? GapToLeader { get; init; }

    [Id(16)]
    public RaceGap? IntervalToAhead { get; init; }

    /// <summary>The most severe track status seen during the lap (Unknown when the feed does not say).</summary>
    [Id(17)]
    public TrackStatus TrackStatus { get; init; }

    [Id(18)]
    public DateTimeOffset? LapStartedAt { get; init; }
}
