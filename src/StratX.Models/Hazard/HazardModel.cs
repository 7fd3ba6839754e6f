using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace StratX.Models.Hazard;

/// <summary>P(neutralisation during the next lap) and P(at least one more before the flag).</summary>
public readonly record struct HazardForecast(double NextLap, double RestOfRace);

/// <summary>
/// Safety-car / VSC hazard: L2-regularised logistic regression (ML.NET L-BFGS) on standardised
/// <see cref="HazardExample"/> features. A logistic model rather than trees: a season has ~1,200 laps and
/// ~30 neutralisations, too few positives for trees to stay calibrated. The rest-of-race probability is
/// 1 − Π(1 − h) over the remaining laps, each lap's h scored with the features rolled forward.
/// </summary>
public sealed class HazardModel
{
    public const string Task = "sc-hazard";
    public const string Name = "logistic";
    public const string Constant = "constant";

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly DataViewSchema _schema;
    private readonly object _gate = new();
    private PredictionEngine<HazardExample, HazardScore>? _engine;

    private HazardModel(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        _ml = ml;
        _model = model;
        _schema = schema;
    }

    public static HazardModel Train(IEnumerable<HazardExample> examples, int seed = 1)
    {
        var training = examples.ToList();
        if (training.Count(e => e.Label) < 10)
        {
            throw new InvalidOperationException($"Only {training.Count(e => e.Label)} neutralisations to learn the hazard model from; it needs at least 10.");
        }

        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(training);
        var pipeline = ml.Transforms.Concatenate("Features", HazardExample.FeatureColumns)
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                L2Regularization = 1f,
                L1Regularization = 0f,
                NumberOfThreads = 1,
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
            }));
        return new HazardModel(ml, pipeline.Fit(data), data.Schema);
    }

    /// <summary>P(neutralisation during the next lap) for each example, in order.</summary>
    public double[] Predict(IReadOnlyList<HazardExample> examples)
    {
        var scored = _model.Transform(_ml.Data.LoadFromEnumerable(examples));
        return [.. scored.GetColumn<float>("Probability").Select(p => (double)p)];
    }

    /// <summary>P(neutralisation during the next lap) for one example (thread-safe).</summary>
    public double ScoreNextLap(HazardExample example)
    {
        lock (_gate)
        {
            _engine ??= _ml.Model.CreatePredictionEngine<HazardExample, HazardScore>(_model, inputSchema: _schema);
            return _engine.Predict(example).Probability;
        }
    }

    /// <summary>Both probabilities from the features at the end of a lap.</summary>
    public HazardForecast Score(HazardExample now)
    {
        var future = RollForward(now);
        var h = future.Count == 0 ? [] : Predict(future);
        return new HazardForecast(h.Length > 0 ? h[0] : 0, RestOfRace(h));
    }

    /// <summary>1 − Π(1 − h).</summary>
    public static double RestOfRace(IEnumerable<double> hazards)
    {
        var none = 1.0;
        foreach (var h in hazards)
        {
            none *= 1 - h;
        }

        return 1 - none;
    }

    /// <summary>
    /// The features of each remaining lap as seen from now, assuming the race stays green: the clock
    /// features advance, lap-specific signals (start, yellow, fresh retirement, neutralised now) fade.
    /// </summary>
    public static List<HazardExample> RollForward(HazardExample now)
    {
        var laps = new List<HazardExample>();
        var remaining = now.TotalLaps - now.LapCompleted;
        for (var k = 0; k < remaining; k++)
        {
            var e = now.Copy();
            e.RaceFraction = (float)(now.LapCompleted + k + 1) / now.TotalLaps;
            e.LapsLeft = remaining - k;
            if (k > 0)
            {
                e.FirstLap = 0;
                e.NeutralisedNow = 0;
                e.YellowLastLap = 0;
                e.LapsSinceNeutralised = Math.Min(40, now.LapsSinceNeutralised + k);
                e.RetiredRecently = k >= 4 ? 0 : now.RetiredRecently;
            }

            laps.Add(e);
        }

        return laps;
    }

    public void Save(string path) => _ml.Model.Save(_model, _schema, path);

    public static HazardModel Load(string path)
    {
        var (ml, model, schema) = MlModelFile.Load(path, "hazard model");
        return new HazardModel(ml, model, schema);
    }

    /// <summary>
    /// Next-lap scores (Brier, log-loss, AUC) of the model and of the constant training rate, and the same
    /// for the rest-of-race probability, where the constant is 1 − (1 − rate)^laps left.
    /// </summary>
    public static (IReadOnlyList<BinaryScores> NextLap, IReadOnlyList<BinaryScores> RestOfRace) Evaluate(HazardModel? model, IReadOnlyList<HazardExample> examples, double trainingRate)
    {
        var next = new List<BinaryScores>();
        var rest = new List<BinaryScores>();
        if (examples.Count == 0)
        {
            return (next, rest);
        }

        var labels = examples.Select(e => e.Label).ToList();
        var later = examples.Select(e => e.LaterInRace).ToList();
        if (model is not null)
        {
            next.Add(BinaryScores.Of(Name, model.Predict(examples), labels, probabilities: true));
            var forward = examples.Select(RollForward).ToList();
            var hazards = model.Predict([.. forward.SelectMany(f => f)]);
            var restScores = new double[examples.Count];
            var offset = 0;
            for (var i = 0; i < examples.Count; i++)
            {
                restScores[i] = RestOfRace(hazards.Skip(offset).Take(forward[i].Count));
                offset += forward[i].Count;
            }

            rest.Add(BinaryScores.Of(Name, restScores, later, probabilities: true));
        }

        next.Add(BinaryScores.Of(Constant, [.. examples.Select(_ => trainingRate)], labels, probabilities: true));
        rest.Add(BinaryScores.Of(Constant, [.. examples.Select(e => 1 - Math.Pow(1 - trainingRate, e.TotalLaps - e.LapCompleted))], later, probabilities: true));
        return (next, rest);
    }

    private sealed class HazardScore
    {
        public float Probability { get; set; }
    }
}
