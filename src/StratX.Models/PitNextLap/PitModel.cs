using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using StratX.Models.Scoring;

namespace StratX.Models.PitNextLap;

/// <summary>
/// Probability that a car pits at the end of its next lap: the mean of two calibrated ML.NET tree ensembles.
/// Boosting needs small trees, many examples per leaf and a slow rate (v1's 31 leaves, 50 per leaf, rate 0.08
/// fitted the training seasons at AUC 0.92–0.95, far better than the next season); a random forest averages
/// large trees instead, and the two err differently enough that their mean ranks the next season's stops better.
/// </summary>
public sealed class PitModel
{
    public const string Task = "pit-next-lap";

    private readonly MlPipeline _pipeline;

    private PitModel(MlPipeline pipeline) => _pipeline = pipeline;

    /// <summary>
    /// Fits the model: the average of the calibrated probabilities of a random forest (500 trees of 255 leaves,
    /// ≥ 25 laps per leaf, 70% of the features per tree, Platt-calibrated) and boosted trees (600 trees of 7
    /// leaves, ≥ 400 laps per leaf, rate 0.01: v2's settings). Chosen on three forward folds (2019, 2020, 2021,
    /// each fitted on the seasons before), where the average ranked stops better than the boosted trees alone on
    /// each fold and was better calibrated than the forest alone.
    /// The two are chained in one ML.NET pipeline (the average is an expression column), so the model stays one
    /// file and one prediction engine.
    /// </summary>
    public static PitModel Train(IEnumerable<PitExample> examples, int seed = 1)
    {
        var training = examples.ToList();
        if (training.Count(e => e.Label) < 50)
        {
            throw new InvalidOperationException($"Only {training.Count(e => e.Label)} stops to learn the pit model from; it needs at least 50.");
        }

        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(training);
        var pipeline = ml.Transforms.Concatenate("Features", PitExample.FeatureColumns)
            .Append(ml.BinaryClassification.Trainers.FastForest(new FastForestBinaryTrainer.Options
            {
                NumberOfTrees = 500,
                NumberOfLeaves = 255,
                MinimumExampleCountPerLeaf = 25,
                FeatureFraction = 0.7,
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                Seed = seed,
                NumberOfThreads = 1,
            }))
            .Append(ml.BinaryClassification.Calibrators.Platt())
            .Append(ml.Transforms.CopyColumns("ForestProbability", "Probability"))
            .Append(ml.BinaryClassification.Trainers.FastTree(Boosted(seed, trees: 600, leaves: 7, perLeaf: 400)))
            .Append(ml.Transforms.Expression("Probability", "(a, b) => (a + b) / 2", "ForestProbability", "Probability"));
        return new PitModel(new MlPipeline(ml, pipeline.Fit(data), data.Schema));
    }

    private static FastTreeBinaryTrainer.Options Boosted(int seed, int trees, int leaves, int perLeaf) => new()
    {
        NumberOfTrees = trees,
        NumberOfLeaves = leaves,
        MinimumExampleCountPerLeaf = perLeaf,
        LearningRate = 0.01,
        LabelColumnName = "Label",
        FeatureColumnName = "Features",
        Seed = seed,
        NumberOfThreads = 1,
    };

    /// <summary>P(pit at the end of the next lap) for each example, in order.</summary>
    public double[] Predict(IReadOnlyList<PitExample> examples)
    {
        return _pipeline.Probabilities(examples);
    }

    public void Save(string path) => _pipeline.Save(path);

    /// <summary>Pooled prediction engines for live single-lap scoring.</summary>
    public PooledEngine<PitExample, BinaryScore> CreateEngine() => _pipeline.Engine<PitExample, BinaryScore>();

    public static PitModel Load(string path)
    {
        return new PitModel(MlPipeline.Load(path, "pit model"));
    }

    /// <summary>The model beside the tyre-age rule (older tyres are likelier to come off), by AUC and PR-AUC.</summary>
    public static IReadOnlyList<BinaryScores> Evaluate(PitModel? model, IReadOnlyList<PitExample> examples)
    {
        var labels = examples.Select(e => e.Label).ToList();
        var scores = new List<BinaryScores>();
        if (model is not null)
        {
            scores.Add(BinaryScores.Of("fasttree", model.Predict(examples), labels, probabilities: true));
        }

        scores.Add(BinaryScores.Of("tyre-age", [.. examples.Select(e => (double)e.TyreAge)], labels, probabilities: false));
        return scores;
    }
}
