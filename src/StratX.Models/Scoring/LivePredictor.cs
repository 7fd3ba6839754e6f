using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Laps;
using StratX.Domain.Predictions;
using StratX.Models.Anomaly;
using StratX.Models.Degradation;
using StratX.Models.Hazard;
using StratX.Models.Live;
using StratX.Models.NextLap;
using StratX.Models.Overtake;
using StratX.Models.PitLoss;
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

    public const string HazardTask = HazardModel.Task;
    public const string PitLossTask = PitLossTable.Task;
    public const string DegradationTask = "degradation";
    public const string AnomalyTask = "anomaly";

    /// <summary>How each task's version folder is loaded (the anomaly rules have no file: they are not in the registry).</summary>
    public static IReadOnlyDictionary<string, Func<string, object>> Loaders { get; } = new Dictionary<string, Func<string, object>>
    {
        [NextLapModel.Task] = folder => NextLapModel.Load(Path.Combine(folder, ModelFiles.ModelFile)).CreateScorer(),
        [PitModel.Task] = PitScorer.Load,
        [OvertakeModel.Task] = OvertakeScorer.Load,
        [HazardTask] = SafetyCarHazard.Load,
        [DegradationTask] = TyreDegradation.Load,
        [PitLossTask] = folder => PitLossTable.Load(Path.Combine(folder, PitLossTable.FileName)),
    };

    public ModelRegistry Registry => registry;

    /// <summary>
    /// What needs the field: next lap, pit, overtake, pit loss and whether the last lap was an anomaly (a lap
    /// the cars ahead on the road also lost time on is explained, not flagged). Null when the car has no lap yet.
    /// </summary>
    /// <param name="race">The race so far, indexed.</param>
    /// <param name="car">The car to score after its latest lap.</param>
    /// <param name="fieldLaps">The same laps as a list, in arrival order.</param>
    /// <param name="telemetry">The car's lap telemetry summaries by lap, when car data comes with the feed.</param>
    public CarPredictions? ScoreField(RaceLaps race, CarId car, IReadOnlyList<LapCompleted> fieldLaps, IReadOnlyDictionary<int, LapTelemetrySummary>? telemetry = null)
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
            PitLoss = PitLoss(race.Circuit),
            Anomaly = Anomaly(laps, telemetry, fieldLaps),
        };
    }

    /// <summary>
    /// The car's latest lap judged again by the anomaly rules alone, once telemetry arrived that was not there when
    /// the lap was scored (a lap's own car data usually completes a moment after its crossing). Null with no lap.
    /// </summary>
    public AnomalyPrediction? JudgeLatestLap(RaceLaps race, CarId car, IReadOnlyList<LapCompleted> fieldLaps, IReadOnlyDictionary<int, LapTelemetrySummary>? telemetry)
    {
        var laps = race.LapsOf(car);
        return laps.Count == 0 ? null : Anomaly(laps, telemetry, fieldLaps);
    }

    /// <summary>
    /// What needs only the car's own laps: the current stint's tyre wear over the next laps and the cliff
    /// alert. Null when the car has no lap yet.
    /// </summary>
    public CarPredictions? ScoreCar(CarId car, IReadOnlyList<LapCompleted> laps, string? circuit)
    {
        if (laps.Count == 0)
        {
            return null;
        }

        var last = laps[^1];
        return new CarPredictions
        {
            Car = car,
            Lap = last.LapNumber,
            ScoredAt = _time.GetUtcNow(),
            Degradation = Score(DegradationTask,
                (TyreDegradation model, int version) => model.Forecast(circuit, laps) is { } f
                    ? new DegradationPrediction(Math.Round(f.WearNext1, 3), Math.Round(f.WearNext5, 3), Math.Round(f.WearNext10, 3), f.Cliff.Fires, Math.Round(f.Cliff.Score, 2), f.Cliff.Fires ? f.Cliff.Reason : null, PredictionOrigin.FromModel(DegradationTask, version))
                    : null,
                why =>
                {
                    var slope = Rules.WearSlope([.. laps.Where(l => l.Stint == last.Stint)]);
                    return new DegradationPrediction(Math.Round(slope, 3), Math.Round(5 * slope, 3), Math.Round(10 * slope, 3), false, 0, null, PredictionOrigin.FromRule(DegradationTask, why));
                }),
        };
    }

    /// <summary>P(safety car or VSC during the next lap, and before the flag) after the leader's lap <paramref name="lap"/>.</summary>
    public HazardPrediction ScoreHazard(RaceLaps race, int lap, IReadOnlyList<LapCompleted> fieldLaps)
    {
        var left = race.TotalLaps - lap;
        if (left <= 0)
        {
            return new HazardPrediction(lap, 0, 0, PredictionOrigin.FromRule(HazardTask, "the race distance is run"));
        }

        return Score(HazardTask,
            (SafetyCarHazard model, int version) =>
            {
                var forecast = model.Score(race.Circuit, lap, race.TotalLaps, fieldLaps);
                return new HazardPrediction(lap, Math.Round(forecast.NextLap, 4), Math.Round(forecast.RestOfRace, 4), PredictionOrigin.FromModel(HazardTask, version));
            },
            why => new HazardPrediction(lap, Rules.HazardPerLap, Math.Round(Rules.RestOfRace(Rules.HazardPerLap, left), 4), PredictionOrigin.FromRule(HazardTask, why)));
    }

    private PitLossPrediction PitLoss(string? circuit) => Score(PitLossTask,
        (PitLossTable table, int version) => new PitLossPrediction(
            Math.Round(table.Lookup(circuit, PitStatus.Green), 2),
            Math.Round(table.Lookup(circuit, PitStatus.VirtualSafetyCar), 2),
            Math.Round(table.Lookup(circuit, PitStatus.SafetyCar), 2),
            PredictionOrigin.FromModel(PitLossTask, version)),
        why => new PitLossPrediction(Rules.PitLossGreen, Rules.PitLossVirtualSafetyCar, Rules.PitLossSafetyCar, PredictionOrigin.FromRule(PitLossTask, why)));

    /// <summary>The anomaly rules (statistical, no trained file): a robust score against the car's own recent laps.</summary>
    private static AnomalyPrediction? Anomaly(IReadOnlyList<LapCompleted> laps, IReadOnlyDictionary<int, LapTelemetrySummary>? telemetry, IReadOnlyList<LapCompleted> fieldLaps)
    {
        try
        {
            return LapAnomalyDetector.Latest(laps, telemetry, fieldLaps) is { } a
                ? new AnomalyPrediction(a.LapNumber, Math.Round(a.Score, 2), a.Flag, a.Flag || a.Explained ? a.Reason : null, new PredictionOrigin(AnomalyTask, PredictionSource.Rule, null, "statistical rules against the car's own recent laps"))
                : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new AnomalyPrediction(laps[^1].LapNumber, 0, false, null, PredictionOrigin.FromRule(AnomalyTask, $"the anomaly rules failed: {e.Message}"));
        }
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
        var rule = (string why) => new PitPrediction(last.PitIn ? Rules.JustPitted : Rules.PitNextLap(last.TyreAge ?? 0, typical, race.TotalLaps - last.LapNumber), PredictionOrigin.FromRule(PitModel.Task, why));
        if (example is null)
        {
            return rule(last.PitIn ? "the car has just pitted" : "the lap cannot be described for the model");
        }

        return Score(PitModel.Task,
            (PitScorer s, int version) => new PitPrediction(Math.Round(s.Predict(example), 4), PredictionOrigin.FromModel(PitModel.Task, version)),
            rule);
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
