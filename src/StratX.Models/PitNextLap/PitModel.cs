using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using StratX.Models.Scoring;

namespace StratX.Models.PitNextLap;

/// <summary>
/// Probability that a car pits at the end of its next lap: ML.NET FastTree binary classification, calibrated.
/// Small trees, many examples per leaf and a slow learning rate: the v1 settings (31 leaves, 50 per leaf,
/// rate 0.08) fitted the training seasons (AUC 0.92–0.95) far better than the next season.
/// </summary>
public sealed class PitModel
{
    public const string Task = "pit-next-lap";

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly DataViewSchema _schema;

    private PitModel(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        _ml = ml;
        _model = model;
        _schema = schema;
    }

    public static PitModel Train(IEnumerable<PitExample> examples, int seed = 1, int trees = 600)
    {
        var training = examples.ToList();
        if (training.Count(e => e.Label) < 50)
        {
            throw new InvalidOperationException($"Only {training.Count(e => e.Label)} stops to learn the pit model from; it needs at least 50.");
        }

        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(training);
        var pipeline = ml.Transforms.Concatenate("Features", PitExample.FeatureColumns)
            .Append(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfTrees = trees,
                NumberOfLeaves = 7,
                MinimumExampleCountPerLeaf = 400,
                LearningRate = 0.01,
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                Seed = seed,
                NumberOfThreads = 1,
            }));
        return new PitModel(ml, pipeline.Fit(data), data.Schema);
    }

    /// <summary>P(pit at the end of the next lap) for each example, in order.</summary>
    public double[] Predict(IReadOnlyList<PitExample> examples)
    {
        var scored = _model.Transform(_ml.Data.LoadFromEnumerable(examples));
        return [.. scored.GetColumn<float>("Probability").Select(p => (double)p)];
    }

    public void Save(string path) => _ml.Model.Save(_model, _schema, path);

    /// <summary>Pooled prediction engines for live single-lap scoring.</summary>
    public PooledEngine<PitExample, BinaryScore> CreateEngine() => new(_ml, _model);

    public static PitModel Load(string path)
    {
        var (ml, model, schema) = MlModelFile.Load(path, "pit model");
        return new PitModel(ml, model, schema);
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
