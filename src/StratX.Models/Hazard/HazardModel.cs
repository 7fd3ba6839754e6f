using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

using StratX.Models.Scoring;

namespace StratX.Models.Hazard;

/// <summary>P(neutralisation during the next lap) and P(at least one more before the flag).</summary>
public readonly record struct HazardForecast(double NextLap, double RestOfRace);

/// <summary>
/// Safety-car / VSC hazard: L2-regularised logistic regression (ML.NET L-BFGS) on standardised
/// <see cref="HazardExample"/> features. A logistic model rather than trees: a season has ~1,200 laps and
/// ~30 neutralisations, too few positives for trees to stay calibrated. The rest-of-race probability is
/// 1 − Π(1 − h) over the remaining laps: the next lap's h from the full model, later laps' from a second
/// logistic model on the features known ahead (<see cref="HazardExample.AheadColumns"/>), rolled forward.
/// </summary>
public sealed class HazardModel
{
    public const string Task = "sc-hazard";
    public const string Name = "logistic";
    public const string Constant = "constant";

    private readonly MLContext _ml;
    /// <summary>The later-laps model is saved beside the model file under this name.</summary>
    public const string AheadFile = "model-ahead.zip";

    private readonly ITransformer _model;
    private readonly ITransformer _ahead;
    private readonly DataViewSchema _schema;
    private readonly Lazy<PooledEngine<HazardExample, HazardScore>> _engine;
    private readonly Lazy<PooledEngine<HazardExample, HazardScore>> _aheadEngine;

    private HazardModel(MLContext ml, ITransformer model, ITransformer ahead, DataViewSchema schema)
    {
        _ml = ml;
        _model = model;
        _ahead = ahead;
        _schema = schema;
        _engine = new(() => new PooledEngine<HazardExample, HazardScore>(ml, model));
        _aheadEngine = new(() => new PooledEngine<HazardExample, HazardScore>(ml, ahead));
    }

    /// <summary>Neutralisations (positive examples) training needs at least.</summary>
    public const int MinNeutralisations = 10;

    public static HazardModel Train(IEnumerable<HazardExample> examples, int seed = 1)
    {
        var training = examples.ToList();
        if (training.Count(e => e.Label) < MinNeutralisations)
        {
            throw new InvalidOperationException($"Only {training.Count(e => e.Label)} neutralisations to learn the hazard model from; it needs at least {MinNeutralisations}.");
        }

        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(training);
        return new HazardModel(ml, Pipeline(ml, HazardExample.FeatureColumns).Fit(data), Pipeline(ml, HazardExample.AheadColumns).Fit(data), data.Schema);
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, string[] columns) =>
        ml.Transforms.Concatenate("Features", columns)
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                L2Regularization = 1f,
                L1Regularization = 0f,
                NumberOfThreads = 1,
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
            }));

    /// <summary>P(neutralisation during the next lap) for each example, in order.</summary>
    public double[] Predict(IReadOnlyList<HazardExample> examples) => Predict(_model, examples);

    private double[] Predict(ITransformer model, IReadOnlyList<HazardExample> examples)
    {
        var scored = model.Transform(_ml.Data.LoadFromEnumerable(examples));
        return [.. scored.GetColumn<float>("Probability").Select(p => (double)p)];
    }

    /// <summary>
    /// The hazard of each lap in order: the first from the full model, the rest from the later-laps model.
    /// That model reads only <see cref="HazardExample.AheadColumns"/>, which stay the same over most of the
    /// laps rolled forward, so each distinct set of those values is scored once.
    /// </summary>
    private double[] Hazards(List<HazardExample> laps)
    {
        if (laps.Count == 0)
        {
            return [];
        }

        var hazards = new double[laps.Count];
        hazards[0] = ScoreNextLap(laps[0]);
        var seen = new Dictionary<string, double>();
        for (var i = 1; i < laps.Count; i++)
        {
            var key = string.Join('|', AheadGetters.Select(g => g.GetValue(laps[i])));
            if (!seen.TryGetValue(key, out var h))
            {
                h = _aheadEngine.Value.Predict(laps[i]).Probability;
                seen[key] = h;
            }

            hazards[i] = h;
        }

        return hazards;
    }

    private static readonly System.Reflection.PropertyInfo[] AheadGetters =
        [.. HazardExample.AheadColumns.Select(c => typeof(HazardExample).GetProperty(c) ?? throw new InvalidOperationException($"HazardExample has no {c}."))];

    /// <summary>P(neutralisation during the next lap) for one example (thread-safe: engines are pooled).</summary>
    public double ScoreNextLap(HazardExample example) => _engine.Value.Predict(example).Probability;

    /// <summary>Both probabilities from the features at the end of a lap.</summary>
    public HazardForecast Score(HazardExample now)
    {
        var h = Hazards(RollForward(now));
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

    /// <summary>Saves the model to <paramref name="path"/> and the later-laps model beside it (<see cref="AheadFile"/>).</summary>
    public void Save(string path)
    {
        _ml.Model.Save(_model, _schema, path);
        _ml.Model.Save(_ahead, _schema, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, AheadFile));
    }

    public static HazardModel Load(string path)
    {
        var (ml, model, schema) = MlPipeline.Load(path, "hazard model");
        var (_, ahead, _) = MlPipeline.Load(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, AheadFile), "hazard later-laps model");
        return new HazardModel(ml, model, ahead, schema);
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
            var nextScores = model.Predict(examples);
            var forward = examples.Select(e => RollForward(e).Skip(1).ToList()).ToList();
            var hazards = model.Predict(model._ahead, [.. forward.SelectMany(f => f)]);
            var restScores = new double[examples.Count];
            var offset = 0;
            for (var i = 0; i < examples.Count; i++)
            {
                restScores[i] = RestOfRace(hazards.Skip(offset).Take(forward[i].Count).Prepend(nextScores[i]));
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
