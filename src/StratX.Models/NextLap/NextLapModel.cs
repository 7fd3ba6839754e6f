using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using StratX.Models.Scoring;

namespace StratX.Models.NextLap;

/// <summary>
/// Next-lap time: gradient-boosted trees (ML.NET FastTree) on <see cref="NextLapExample"/> features,
/// predicting the next lap relative to the car's recent clean pace.
/// </summary>
public sealed class NextLapModel
{
    private readonly MlPipeline _pipeline;

    private NextLapModel(MlPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Trains on examples whose next lap is known and evaluable (a normal green lap).</summary>
    public static NextLapModel Train(IEnumerable<NextLapExample> examples, int seed = 1, int trees = 300)
    {
        var ml = new MLContext(seed);
        var training = examples.Where(e => e is { Evaluable: true, NextLapTime: not null } && Math.Abs(e.Label) < 10).ToList();
        if (training.Count < 100)
        {
            throw new InvalidOperationException($"Only {training.Count} usable laps to train the next-lap model on; it needs at least 100.");
        }

        var data = ml.Data.LoadFromEnumerable(training);
        var pipeline = ml.Transforms.Concatenate("Features", NextLapExample.FeatureColumns)
            .Append(ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
            {
                NumberOfTrees = trees,
                NumberOfLeaves = 31,
                MinimumExampleCountPerLeaf = 40,
                LearningRate = 0.08,
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                Seed = seed,
                NumberOfThreads = 1,
            }));
        return new NextLapModel(new MlPipeline(ml, pipeline.Fit(data), data.Schema));
    }

    /// <summary>Predicted next-lap times (seconds) for the examples, in order.</summary>
    public double[] Predict(IReadOnlyList<NextLapExample> examples)
    {
        var scores = _pipeline.Score(examples, "Score");
        var predictions = new double[examples.Count];
        for (var i = 0; i < predictions.Length; i++)
        {
            predictions[i] = examples[i].Reference + scores[i];
        }

        return predictions;
    }

    public const string Task = "next-lap";

    public void Save(string path) => _pipeline.Save(path);

    /// <summary>A thread-safe single-lap scorer over pooled prediction engines, for live scoring.</summary>
    public NextLapScorer CreateScorer() => new(_pipeline.Engine<NextLapExample, RegressionScore>());

    /// <summary>Loads a saved model; a missing or unreadable file is a clear <see cref="InvalidDataException"/>.</summary>
    public static NextLapModel Load(string path)
    {
        return new NextLapModel(MlPipeline.Load(path, "next-lap model"));
    }
}
