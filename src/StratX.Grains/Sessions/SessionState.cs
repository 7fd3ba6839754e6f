using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Grains.Ingestion;
using StratX.Grains.Views;

namespace StratX.Grains.Sessions;

[GenerateSerializer]
public sealed class SessionState
{
    [Id(0)]
    public RaceInfo? Race { get; set; }

    /// <summary>The last race-control event applied.</summary>
    [Id(1)]
    public long LastRaceControlSequence { get; set; }

    [Id(2)]
    public SessionPhase Phase { get; set; }

    [Id(3)]
    public TrackStatus TrackStatus { get; set; }

    [Id(4)]
    public List<TrackStatusPeriod> TrackStatusHistory { get; set; } = [];

    [Id(5)]
    public WeatherView? Weather { get; set; }

    [Id(6)]
    public List<RaceControlView> RaceControl { get; set; } = [];

    [Id(7)]
    public Dictionary<CarId, CarStanding> Cars { get; set; } = [];

    [Id(8)]
    public List<PitStopView> PitStops { get; set; } = [];

    [Id(9)]
    public FastestLapView? FastestLap { get; set; }

    [Id(10)]
    public DateTimeOffset? ChequeredAt { get; set; }

    [Id(11)]
    public IngestionStatus? Ingestion { get; set; }

    [Id(12)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Cars whose strategy planner follows this session.</summary>
    [Id(13)]
    public HashSet<CarId> PlannedCars { get; set; } = [];

    /// <summary>Every car's laps as they were reported: what the models' features are built from.</summary>
    [Id(14)]
    public List<LapCompleted> Laps { get; set; } = [];

    /// <summary>The replay feeding this session while it runs (null once it finished or was stopped): resumed from here if its silo dies.</summary>
    [Id(15)]
    public ReplayRequest? Replay { get; set; }

    /// <summary>A replay with car telemetry was started here: the cars' telemetry sequence is the recording's.</summary>
    [Id(16)]
    public bool ReplaysTelemetry { get; set; }

    /// <summary>With <see cref="ReplaysTelemetry"/>: the only cars whose telemetry the replays publish; null for every car.</summary>
    [Id(17)]
    public List<CarId>? ReplayedTelemetryCars { get; set; }

    public int LeaderLap => Cars.Count == 0 ? 0 : Cars.Values.Max(c => c.Laps);
}

/// <summary>Where one car stands, as of its last crossing of the line.</summary>
[GenerateSerializer]
public sealed class CarStanding
{
    [Id(0)]
    public required CarId Car { get; init; }

    [Id(1)]
    public string? DriverCode { get; set; }

    [Id(2)]
    public string? DriverName { get; set; }

    [Id(3)]
    public string? Team { get; set; }

    [Id(4)]
    public int? GridPosition { get; set; }

    [Id(5)]
    public int Laps { get; set; }

    [Id(6)]
    public DateTimeOffset? LastCrossing { get; set; }

    [Id(7)]
    public double? LastLapTime { get; set; }

    [Id(8)]
    public double? BestLapTime { get; set; }

    [Id(9)]
    public RaceGap? GapToLeader { get; set; }

    [Id(10)]
    public RaceGap? Interval { get; set; }

    [Id(11)]
    public TyreCompound Compound { get; set; }

    [Id(12)]
    public int? TyreAge { get; set; }

    [Id(13)]
    public int Stops { get; set; }

    [Id(14)]
    public bool InPit { get; set; }

    [Id(15)]
    public double? RollingPace { get; set; }
}
