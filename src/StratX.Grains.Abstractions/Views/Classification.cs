using StratX.Domain.Identity;
using StratX.Domain.Racing;

namespace StratX.Grains.Views;

/// <summary>The running order of a session, as a timing screen shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record Classification
{
    [Id(0)]
    public required SessionKey Session { get; init; }

    /// <summary>The leader's completed laps.</summary>
    [Id(1)]
    public required int LeaderLap { get; init; }

    [Id(2)]
    public int? ScheduledLaps { get; init; }

    [Id(3)]
    public required SessionPhase Phase { get; init; }

    [Id(4)]
    public required IReadOnlyList<ClassificationRow> Rows { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record ClassificationRow
{
    [Id(0)]
    public required int Position { get; init; }

    [Id(1)]
    public required CarId Car { get; init; }

    [Id(2)]
    public required string DriverCode { get; init; }

    [Id(3)]
    public string? DriverName { get; init; }

    [Id(4)]
    public string? Team { get; init; }

    [Id(5)]
    public required int Laps { get; init; }

    [Id(6)]
    public RaceGap? GapToLeader { get; init; }

    [Id(7)]
    public RaceGap? Interval { get; init; }

    [Id(8)]
    public double? LastLapTime { get; init; }

    [Id(9)]
    public double? BestLapTime { get; init; }

    [Id(10)]
    public TyreCompound Compound { get; init; }

    [Id(11)]
    public int? TyreAge { get; init; }

    [Id(12)]
    public int Stops { get; init; }

    [Id(13)]
    public CarStatus Status { get; init; }

    [Id(14)]
    public int? GridPosition { get; init; }
}

/// <summary>Where a car is in its race.</summary>
public enum CarStatus : byte
{
    Running = 0,

    /// <summary>Its last lap ended in the pit lane.</summary>
    InPit = 1,

    /// <summary>Took the chequered flag.</summary>
    Finished = 2,

    /// <summary>Stopped before the flag (known once the session has ended).</summary>
    Retired = 3,
}

/// <summary>Where a session is.</summary>
public enum SessionPhase : byte
{
    /// <summary>Created; nothing received yet.</summary>
    Scheduled = 0,

    Running = 1,

    /// <summary>The chequered flag is out: the leader has finished, the others finish as they cross the line.</summary>
    Chequered = 2,

    /// <summary>The source has sent everything it had.</summary>
    Ended = 3,
}
