using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Predictions;
using StratX.Models.Live;
using StratX.Models.NextLap;
using StratX.Models.Overtake;
using StratX.Models.PitNextLap;

namespace StratX.Models.Scoring;

/// <summary>
/// Scores the current models for one car's latest lap during a race. Features come from the same code that
/// built the training examples (<see cref="RaceLaps"/> and the datasets' ForLatest), models from the
/// <see cref="ModelRegistry"/> (so a rollout takes effect on the next lap), engines from pools. A model that
/// is missing or throws gives way to its rule, flagged as such: scoring never throws for a model's sake.
/// Pure CPU, no I/O: safe to call inside a grain's turn.
/// </summary>
public sealed class LivePredictor(ModelRegistry registry, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>How each task's version folder is loaded.</summary>
    public static IReadOnlyDictionary<string, Func<string, object>> Loaders { get; } = new Dictionary<string, Func<string, object>>
    {
        [NextLapModel.Task] = folder => NextLapModel.Load(Path.Combine(folder, ModelFiles.ModelFile)).CreateScorer(),
        [PitModel.Task] = folder => PitScorer.Load(folder),
        [OvertakeModel.Task] = folder => OvertakeScorer.Load(folder),
    };

    public const string HazardTask = "sc-hazard";
    public const string PitLossTask = "pit-loss";
    public const string DegradationTask = "degradation";
    public const string AnomalyTask = "anomaly";

    public ModelRegistry Registry => registry;

    /// <summary>
    /// What needs the field: next lap, pit, overtake, pit loss. Null when the car has no lap yet.
    /// </summary>
    public CarPredictions? ScoreField(RaceLaps race, CarId car)
    {
        var laps = race.LapsOf(car);
        if (laps.Count == 0)
        {
            return null;
        }

        return new CarPredictions
        {
            Car = car,
            Lap = laps[^1].LapNumber,
            ScoredAt = _time.GetUtcNow(),
            NextLap = NextLap(race, car, laps),
            PitNextLap = Pit(race, car, laps),
            Overtake = Overtake(race, car),
            PitLoss = new PitLossPrediction(Rules.PitLossGreen, Rules.PitLossVirtualSafetyCar, Rules.PitLossSafetyCar, PredictionOrigin.FromRule(PitLossTask, "no pit-loss table is loaded")),
        };
    }

    /// <summary>
    /// What needs only the car's own laps: tyre degradation for the rest of the stint and the cliff alert,
    /// and whether the last lap is an anomaly. Null when the car has no lap yet.
    /// </summary>
    public CarPredictions? ScoreCar(CarId car, IReadOnlyList<LapCompleted> laps, string? circuit, int totalLaps)
    {
        if (laps.Count == 0)
        {
            return null;
        }

        var last = laps[^1];
        var stint = laps.Where(l => l.Stint == last.Stint).ToList();
        var slope = Rules.WearSlope(stint);
        return new CarPredictions
        {
            Car = car,
            Lap = last.LapNumber,
            ScoredAt = _time.GetUtcNow(),
            Degradation = new DegradationPrediction(Math.Round(slope, 3), Math.Round(5 * slope, 3), Math.Round(10 * slope, 3), false, 0, null, PredictionOrigin.FromRule(DegradationTask, "no degradation model is loaded")),
        };
    }

    private NextLapPrediction? NextLap(RaceLaps race, CarId car, IReadOnlyList<LapCompleted> laps)
    {
        var example = NextLapDataset.ForLatest(race, car);
        var rule = Rules.NextLap(laps);
        if (example is null)
        {
            return rule is { } seconds ? new NextLapPrediction(Math.Round(seconds, 3), Math.Round(seconds, 3), PredictionOrigin.FromRule(NextLapModel.Task, "no timed lap to predict from")) : null;
        }

        return Score(NextLapModel.Task,
            (NextLapScorer scorer, int version) => new NextLapPrediction(Math.Round(scorer.Predict(example), 3), Math.Round(example.Reference, 3), PredictionOrigin.FromModel(NextLapModel.Task, version)),
            why => new NextLapPrediction(Math.Round(example.NaiveHybrid, 3), Math.Round(example.Reference, 3), PredictionOrigin.FromRule(NextLapModel.Task, why)));
    }

    private OvertakePrediction? Overtake(RaceLaps race, CarId car)
    {
        if (OvertakeDataset.ForLatest(race, car) is not { } example)
        {
            return null;
        }

        var target = new CarId(example.Ahead);
        return Score(OvertakeModel.Task,
            (OvertakeScorer s, int version) =>
            {
                var (one, two, three) = s.Predict(example);
                return new OvertakePrediction(target, Math.Round(one, 4), Math.Round(two, 4), Math.Round(three, 4), PredictionOrigin.FromModel(OvertakeModel.Task, version));
            },
            why => new OvertakePrediction(target, Rules.Overtake(example.Interval, 1), Rules.Overtake(example.Interval, 2), Rules.Overtake(example.Interval, 3), PredictionOrigin.FromRule(OvertakeModel.Task, why)));
    }

    private PitPrediction Pit(RaceLaps race, CarId car, IReadOnlyList<LapCompleted> laps)
    {
        var scorer = registry.Current(PitModel.Task)?.Model as PitScorer;
        var example = PitDataset.ForLatest(race, car, scorer?.Priors);
        var last = laps[^1];
        var typical = example is { FieldStintLength: > 0 } ? example.FieldStintLength : 0.4 * race.TotalLaps;
        var rule = (string why) => new PitPrediction(Rules.PitNextLap(last.TyreAge ?? 0, typical, race.TotalLaps - last.LapNumber), PredictionOrigin.FromRule(PitModel.Task, why));
        if (example is null)
        {
            return rule(last.PitIn ? "the car has just pitted" : "the lap cannot be described for the model");
        }

        return Score(PitModel.Task,
            (PitScorer s, int version) => new PitPrediction(Math.Round(s.Predict(example), 4), PredictionOrigin.FromModel(PitModel.Task, version)),
            rule);
    }

    /// <summary>P(safety car or VSC during the next lap, and before the flag) after the leader's lap <paramref name="lap"/>.</summary>
    public HazardPrediction ScoreHazard(RaceLaps race, int lap)
    {
        var left = race.TotalLaps - lap;
        return new HazardPrediction(lap, left <= 0 ? 0 : Rules.HazardPerLap, Math.Round(Rules.RestOfRace(Rules.HazardPerLap, left), 4), PredictionOrigin.FromRule(HazardTask, "no sc-hazard model is loaded"));
    }

    /// <summary>Scores with the task's active model, or the rule with the reason when there is none or it fails.</summary>
    private T Score<TScorer, T>(string task, Func<TScorer, int, T> model, Func<string, T> rule)
        where TScorer : class
    {
        if (registry.Current(task) is not { } loaded)
        {
            return rule($"no {task} model is loaded");
        }

        if (loaded.Model is not TScorer scorer)
        {
            return rule($"{task} v{loaded.Version} is not a {typeof(TScorer).Name}");
        }

        try
        {
            return model(scorer, loaded.Version);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return rule($"{task} v{loaded.Version} failed: {e.Message}");
        }
    }
}
