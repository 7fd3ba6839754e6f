using Orleans;
using StratX.Domain.Identity;

namespace StratX.Domain.Predictions;

/// <summary>Where a prediction came from.</summary>
public enum PredictionSource
{
    /// <summary>A trained model (its version is given).</summary>
    Model,

    /// <summary>The rule a strategist would use, because the model is missing, failed or cannot score this case.</summary>
    Rule,
}

/// <summary>The model (task and version) or rule behind a prediction; <see cref="Note"/> says why a rule was used.</summary>
[GenerateSerializer, Immutable]
public sealed record PredictionOrigin(
    [property: Id(0)] string Task,
    [property: Id(1)] PredictionSource Source,
    [property: Id(2)] int? Version,
    [property: Id(3)] string? Note = null)
{
    public static PredictionOrigin FromModel(string task, int version) => new(task, PredictionSource.Model, version);

    public static PredictionOrigin FromRule(string task, string why) => new(task, PredictionSource.Rule, null, why);
}

/// <summary>The car's next lap time (s), beside the recent clean pace it was predicted from.</summary>
[GenerateSerializer, Immutable]
public sealed record NextLapPrediction(
    [property: Id(0)] double Seconds,
    [property: Id(1)] double ReferencePace,
    [property: Id(2)] PredictionOrigin Origin);

/// <summary>P(the car comes into the pits at the end of its next lap).</summary>
[GenerateSerializer, Immutable]
public sealed record PitPrediction(
    [property: Id(0)] double Probability,
    [property: Id(1)] PredictionOrigin Origin);

/// <summary>P(the car is ahead of <see cref="Target"/>, the car now directly ahead, at the end of the next 1, 2 and 3 laps).</summary>
[GenerateSerializer, Immutable]
public sealed record OvertakePrediction(
    [property: Id(0)] CarId Target,
    [property: Id(1)] double WithinOne,
    [property: Id(2)] double WithinTwo,
    [property: Id(3)] double WithinThree,
    [property: Id(4)] PredictionOrigin Origin);

/// <summary>
/// The current stint's expected pace loss from here (s per lap slower than now, fuel-corrected) after 1, 5 and
/// 10 more laps, and the tyre-cliff alert: the stint falling off faster than its model says.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DegradationPrediction(
    [property: Id(0)] double LossAfterOne,
    [property: Id(1)] double LossAfterFive,
    [property: Id(2)] double LossAfterTen,
    [property: Id(3)] bool CliffAlert,
    [property: Id(4)] double CliffScore,
    [property: Id(5)] string? CliffReason,
    [property: Id(6)] PredictionOrigin Origin);

/// <summary>How far the last lap is out of line with the car's own recent behaviour, and why.</summary>
[GenerateSerializer, Immutable]
public sealed record AnomalyPrediction(
    [property: Id(0)] int Lap,
    [property: Id(1)] double Score,
    [property: Id(2)] bool Flagged,
    [property: Id(3)] string? Reason,
    [property: Id(4)] PredictionOrigin Origin);

/// <summary>Time a pit stop costs at this circuit (s) under green flag, virtual safety car and safety car.</summary>
[GenerateSerializer, Immutable]
public sealed record PitLossPrediction(
    [property: Id(0)] double Green,
    [property: Id(1)] double VirtualSafetyCar,
    [property: Id(2)] double SafetyCar,
    [property: Id(3)] PredictionOrigin Origin);

/// <summary>P(a safety car or VSC is deployed during the next lap) and P(at least one more before the flag).</summary>
[GenerateSerializer, Immutable]
public sealed record HazardPrediction(
    [property: Id(0)] int Lap,
    [property: Id(1)] double NextLap,
    [property: Id(2)] double RestOfRace,
    [property: Id(3)] PredictionOrigin Origin);

/// <summary>
/// What the models say about one car after its latest lap. The session scores what needs the field (next lap,
/// pit, overtake, pit loss); the car scores what needs only its own laps and telemetry (degradation, anomaly):
/// each part carries the lap it was scored after, and a part not scored yet is null.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CarPredictions
{
    [Id(0)]
    public required CarId Car { get; init; }

    /// <summary>The lap the newest part was scored after.</summary>
    [Id(1)]
    public required int Lap { get; init; }

    [Id(2)]
    public required DateTimeOffset ScoredAt { get; init; }

    [Id(3)]
    public NextLapPrediction? NextLap { get; init; }

    [Id(4)]
    public PitPrediction? PitNextLap { get; init; }

    [Id(5)]
    public OvertakePrediction? Overtake { get; init; }

    [Id(6)]
    public DegradationPrediction? Degradation { get; init; }

    [Id(7)]
    public AnomalyPrediction? Anomaly { get; init; }

    [Id(8)]
    public PitLossPrediction? PitLoss { get; init; }

    [Id(9)]
    public HazardPrediction? Hazard { get; init; }

    /// <summary>This, with the parts <paramref name="other"/> has filled in (the newer lap wins).</summary>
    public CarPredictions Merge(CarPredictions? other) => other is null ? this : new CarPredictions
    {
        Car = Car,
        Lap = Math.Max(Lap, other.Lap),
        ScoredAt = ScoredAt > other.ScoredAt ? ScoredAt : other.ScoredAt,
        NextLap = other.NextLap ?? NextLap,
        PitNextLap = other.PitNextLap ?? PitNextLap,
        Overtake = other.Overtake ?? Overtake,
        Degradation = other.Degradation ?? Degradation,
        Anomaly = other.Anomaly ?? Anomaly,
        PitLoss = other.PitLoss ?? PitLoss,
        Hazard = other.Hazard ?? Hazard,
    };
}
