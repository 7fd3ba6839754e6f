using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

using StratX.Models.Scoring;

namespace StratX.Models.Overtake;

/// <summary>
/// Probability that a car is ahead of the car now directly ahead of it after 1, 2 or 3 more laps: one ML.NET
/// FastTree binary classifier with the horizon as a feature, calibrated.
/// </summary>
public sealed class OvertakeModel
{
    public const string Task = "overtake";

    public const string FastTree = "fasttree";

    /// <summary>The baseline: the smaller the interval, the likelier the pass.</summary>
    public const string GapOnly = "gap-only";

    private readonly MlPipeline _pipeline;

    private OvertakeModel(MlPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Per-task name for a horizon, e.g. "overtake-3".</summary>
    public static string TaskFor(int horizon) => $"{Task}-{horizon}";

    public static OvertakeModel Train(IEnumerable<OvertakeExample> examples, int seed = 1, int trees = 300)
    {
        var training = examples.ToList();
        if (training.Count(e => e.Label) < 50)
        {
            throw new InvalidOperationException($"Only {training.Count(e => e.Label)} passes to learn the overtake model from; it needs at least 50.");
        }

        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(training);
        var pipeline = ml.Transforms.Concatenate("Features", OvertakeExample.FeatureColumns)
            .Append(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfTrees = trees,
                NumberOfLeaves = 31,
                MinimumExampleCountPerLeaf = 100,
                LearningRate = 0.05,
                FeatureFraction = 0.8,
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                Seed = seed,
                NumberOfThreads = 1,
            }));
        return new OvertakeModel(new MlPipeline(ml, pipeline.Fit(data), data.Schema));
    }

    /// <summary>P(ahead of the car ahead after the example's horizon) for each example, in order.</summary>
    public double[] Predict(IReadOnlyList<OvertakeExample> examples)
    {
        return _pipeline.Probabilities(examples);
    }

    public void Save(string path) => _pipeline.Save(path);

    /// <summary>Pooled prediction engines for live single-lap scoring.</summary>
    public PooledEngine<OvertakeExample, BinaryScore> CreateEngine() => _pipeline.Engine<OvertakeExample, BinaryScore>();

    public static OvertakeModel Load(string path)
    {
        return new OvertakeModel(MlPipeline.Load(path, "overtake model"));
    }

    /// <summary>Per horizon, the model (when there is one) beside gap-only (score = −interval).</summary>
    public static IReadOnlyList<(int Horizon, BinaryScores Scores)> Evaluate(OvertakeModel? model, IReadOnlyList<OvertakeExample> examples)
    {
        var predicted = model?.Predict(examples);
        var results = new List<(int, BinaryScores)>();
        foreach (var horizon in examples.Select(e => (int)e.Horizon).Distinct().Order())
        {
            var indexes = Enumerable.Range(0, examples.Count).Where(i => (int)examples[i].Horizon == horizon).ToList();
            var labels = indexes.Select(i => examples[i].Label).ToList();
            if (predicted is not null)
            {
                results.Add((horizon, BinaryScores.Of(FastTree, [.. indexes.Select(i => predicted[i])], labels, probabilities: true)));
            }

            results.Add((horizon, BinaryScores.Of(GapOnly, [.. indexes.Select(i => -(double)examples[i].Interval)], labels, probabilities: false)));
        }

        return results;
    }
}
