using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Predictions;
using StratX.Domain.Racing;
using StratX.Grains.Planning;
using StratX.Grains.Views;

namespace StratX.Grains.Updates;

/// <summary>
/// A state change that watchers of a session want to see. Grains put these on the session's update stream;
/// each web node forwards them to its SignalR clients under <see cref="Kind"/> as the hub method name.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record RaceUpdate
{
    [Id(0)]
    public required SessionKey Session { get; init; }

    /// <summary>When the input behind this change was ingested (UTC ticks; 0 when it had none).</summary>
    [Id(1)]
    public long IngestedAtTicks { get; init; }

    /// <summary>The SignalR method clients receive this on.</summary>
    public abstract string Kind { get; }
}

/// <summary>The hub method names clients subscribe to.</summary>
public static class UpdateKinds
{
    public const string Classification = "classification";
    public const string Car = "car";
    public const string Stint = "stint";
    public const string TrackStatus = "trackStatus";
    public const string RaceControl = "raceControl";
    public const string Weather = "weather";
    public const string Session = "session";
    public const string Telemetry = "telemetry";
    public const string Strategy = "strategy";
    public const string Predictions = "predictions";
}

[GenerateSerializer, Immutable]
public sealed record ClassificationUpdate : RaceUpdate
{
    [Id(0)]
    public required Classification Classification { get; init; }

    public override string Kind => UpdateKinds.Classification;
}

[GenerateSerializer, Immutable]
public sealed record CarUpdate : RaceUpdate
{
    [Id(0)]
    public required CarView Car { get; init; }

    public override string Kind => UpdateKinds.Car;
}

[GenerateSerializer, Immutable]
public sealed record StintUpdate : RaceUpdate
{
    [Id(0)]
    public required StintView Stint { get; init; }

    public override string Kind => UpdateKinds.Stint;
}

[GenerateSerializer, Immutable]
public sealed record TrackStatusUpdate : RaceUpdate
{
    [Id(0)]
    public required TrackStatus Status { get; init; }

    [Id(1)]
    public int? Lap { get; init; }

    [Id(2)]
    public required DateTimeOffset At { get; init; }

    public override string Kind => UpdateKinds.TrackStatus;
}

[GenerateSerializer, Immutable]
public sealed record RaceControlUpdate : RaceUpdate
{
    [Id(0)]
    public required RaceControlView Message { get; init; }

    public override string Kind => UpdateKinds.RaceControl;
}

[GenerateSerializer, Immutable]
public sealed record WeatherUpdate : RaceUpdate
{
    [Id(0)]
    public required WeatherView Weather { get; init; }

    public override string Kind => UpdateKinds.Weather;
}

/// <summary>The session's phase, lap count or ingestion progress changed.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionStatusUpdate : RaceUpdate
{
    [Id(0)]
    public required SessionPhase Phase { get; init; }

    [Id(1)]
    public required int LeaderLap { get; init; }

    [Id(2)]
    public int? ScheduledLaps { get; init; }

    [Id(3)]
    public RaceInfo? Race { get; init; }

    [Id(4)]
    public TrackStatus TrackStatus { get; init; }

    [Id(5)]
    public Ingestion.IngestionStatus? Ingestion { get; init; }

    public override string Kind => UpdateKinds.Session;
}

/// <summary>The newest car-data sample of a car (sent once per telemetry batch, not per sample).</summary>
[GenerateSerializer, Immutable]
public sealed record TelemetryUpdate : RaceUpdate
{
    [Id(0)]
    public required CarId Car { get; init; }

    [Id(1)]
    public required TelemetrySample Sample { get; init; }

    public override string Kind => UpdateKinds.Telemetry;
}

/// <summary>A new strategy plan for a car someone follows.</summary>
[GenerateSerializer, Immutable]
public sealed record StrategyUpdate : RaceUpdate
{
    [Id(0)]
    public required StrategyPlanView Plan { get; init; }

    public override string Kind => UpdateKinds.Strategy;
}

/// <summary>
/// New predictions for a car: the session sends the field models' part, the car its own part; a part not in
/// this update is null and the client keeps what it had.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PredictionsUpdate : RaceUpdate
{
    [Id(0)]
    public required CarPredictions Predictions { get; init; }

    public override string Kind => UpdateKinds.Predictions;
}
