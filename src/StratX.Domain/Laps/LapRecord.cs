using Orleans;
using StratX.Domain.Events;
using StratX.Domain.Racing;

namespace StratX.Domain.Laps;

/// <summary>One completed lap as a car's history keeps it.</summary>
[GenerateSerializer, Immutable]
public sealed record LapRecord
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

    [Id(5)]
    public double? SpeedTrap { get; init; }

    [Id(6)]
    public TyreCompound Compound { get; init; }

    [Id(7)]
    public int? TyreAge { get; init; }

    [Id(8)]
    public int Stint { get; init; }

    [Id(9)]
    public bool PitIn { get; init; }

    [Id(10)]
    public bool PitOut { get; init; }

    [Id(11)]
    public int? Position { get; init; }

    [Id(12)]
    public RaceGap? GapToLeader { get; init; }

    [Id(13)]
    public RaceGap? IntervalToAhead { get; init; }

    [Id(14)]
    public TrackStatus TrackStatus { get; init; }

    [Id(15)]
    public required DateTimeOffset CrossedAt { get; init; }

    [Id(16)]
    public double? SpeedI1 { get; init; }

    [Id(17)]
    public double? SpeedI2 { get; init; }

    [Id(18)]
    public double? SpeedFinishLine { get; init; }

    /// <summary>Whether the lap says something about pace (see <see cref="CleanLaps"/>).</summary>
    [Id(19)]
    public bool IsClean { get; init; }

    /// <summary>Telemetry summary of the lap, when car data came with it.</summary>
    [Id(20)]
    public LapTelemetrySummary? Telemetry { get; init; }

    public static LapRecord From(LapCompleted lap, int stint) => new()
    {
        LapNumber = lap.LapNumber,
        LapTime = lap.LapTime,
        Sector1 = lap.Sector1,
        Sector2 = lap.Sector2,
        Sector3 = lap.Sector3,
        SpeedI1 = lap.SpeedI1,
        SpeedI2 = lap.SpeedI2,
        SpeedFinishLine = lap.SpeedFinishLine,
        SpeedTrap = lap.SpeedTrap,
        Compound = lap.Compound,
        TyreAge = lap.TyreAge,
        Stint = lap.Stint ?? stint,
        PitIn = lap.PitIn,
        PitOut = lap.PitOut,
        Position = lap.Position,
        GapToLeader = lap.GapToLeader,
        IntervalToAhead = lap.IntervalToAhead,
        TrackStatus = lap.TrackStatus,
        CrossedAt = lap.OccurredAt,
        IsClean = CleanLaps.IsRepresentative(lap),
    };

    /// <summary>The lap as the event it came from (the inverse of <see cref="From"/>; sequence and ingestion time are not kept).</summary>
    public LapCompleted ToEvent(Identity.CarKey car) => new()
    {
        Session = car.Session,
        Car = car.Car,
        Sequence = 0,
        OccurredAt = CrossedAt,
        LapNumber = LapNumber,
        LapTime = LapTime,
        Sector1 = Sector1,
        Sector2 = Sector2,
        Sector3 = Sector3,
        SpeedI1 = SpeedI1,
        SpeedI2 = SpeedI2,
        SpeedFinishLine = SpeedFinishLine,
        SpeedTrap = SpeedTrap,
        Compound = Compound,
        TyreAge = TyreAge,
        Stint = Stint,
        PitIn = PitIn,
        PitOut = PitOut,
        Position = Position,
        GapToLeader = GapToLeader,
        IntervalToAhead = IntervalToAhead,
        TrackStatus = TrackStatus,
    };
}
