using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Grains.Ingestion;

namespace StratX.Grains.Views;

/// <summary>The state of a session apart from its running order.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionSummary
{
    [Id(0)]
    public required SessionKey Session { get; init; }

    /// <summary>What the race is; null until the source has opened the session.</summary>
    [Id(1)]
    public RaceInfo? Race { get; init; }

    [Id(2)]
    public required SessionPhase Phase { get; init; }

    [Id(3)]
    public required int LeaderLap { get; init; }

    [Id(4)]
    public required TrackStatus TrackStatus { get; init; }

    [Id(5)]
    public required IReadOnlyList<TrackStatusPeriod> TrackStatusHistory { get; init; }

    [Id(6)]
    public WeatherView? Weather { get; init; }

    [Id(7)]
    public FastestLapView? FastestLap { get; init; }

    [Id(8)]
    public required IReadOnlyList<PitStopView> PitStops { get; init; }

    [Id(9)]
    public required IReadOnlyList<RaceControlView> RaceControl { get; init; }

    [Id(10)]
    public IngestionStatus? Ingestion { get; init; }

    [Id(11)]
    public DateTimeOffset? ChequeredAt { get; init; }

    [Id(12)]
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The silo the session's grain is active on (for operators: which node holds it).</summary>
    [Id(13)]
    public string? Silo { get; init; }

    /// <summary>A replay has published the recording's car telemetry into this session: its cars take no team telemetry.</summary>
    [Id(14)]
    public bool ReplaysTelemetry { get; init; }

    /// <summary>With <see cref="ReplaysTelemetry"/>: the only cars the replay feeds telemetry for (the others take team telemetry); null for every car.</summary>
    [Id(15)]
    public IReadOnlyList<CarId>? ReplayedTelemetryCars { get; init; }

    /// <summary>The session's feed: <c>running</c>, <c>finished</c>, <c>failed</c>, <c>stopped</c>, or <c>idle</c> when nothing was started.</summary>
    public string Status => Ingestion?.State switch
    {
        null => "idle",
        IngestionState.Completed => "finished",
        IngestionState.Failed => "failed",
        IngestionState.Cancelled => "stopped",
        _ => "running",
    };

    /// <summary>Share of the race run, 0–1: the leader's laps over the scheduled laps (1 once the flag fell); null when the distance is unknown.</summary>
    public double? Progress => ChequeredAt is not null ? 1.0
        : Race is { ScheduledLaps: > 0 } race ? Math.Min(1.0, (double)LeaderLap / race.ScheduledLaps) : null;
}

/// <summary>A stretch of one track status: from when (and the leader's lap) until when.</summary>
[GenerateSerializer, Immutable]
public sealed record TrackStatusPeriod(
    [property: Id(0)] TrackStatus Status,
    [property: Id(1)] DateTimeOffset From,
    [property: Id(2)] int? FromLap,
    [property: Id(3)] DateTimeOffset? Until);

[GenerateSerializer, Immutable]
public sealed record WeatherView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double? AirTemperature,
    [property: Id(2)] double? TrackTemperature,
    [property: Id(3)] double? Humidity,
    [property: Id(4)] double? Pressure,
    [property: Id(5)] bool Rainfall,
    [property: Id(6)] double? WindSpeed,
    [property: Id(7)] int? WindDirection)
{
    public static WeatherView From(WeatherObserved w) =>
        new(w.OccurredAt, w.AirTemperature, w.TrackTemperature, w.Humidity, w.Pressure, w.Rainfall, w.WindSpeed, w.WindDirection);
}

[GenerateSerializer, Immutable]
public sealed record FastestLapView(
    [property: Id(0)] CarId Car,
    [property: Id(1)] string DriverCode,
    [property: Id(2)] int LapNumber,
    [property: Id(3)] double LapTime);

[GenerateSerializer, Immutable]
public sealed record RaceControlView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Category,
    [property: Id(2)] string Message,
    [property: Id(3)] string? Flag,
    [property: Id(4)] int? Lap,
    [property: Id(5)] CarId? Car)
{
    public static RaceControlView From(RaceControlMessage m) => new(m.OccurredAt, m.Category, m.Message, m.Flag, m.Lap, m.Car);
}
