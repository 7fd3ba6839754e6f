using StratX.Models;
using StratX.Models.Overtake;

namespace StratX.Cli.Commands;

/// <summary>stratx train / evaluate for the overtake model (tasks overtake-1, overtake-2, overtake-3).</summary>
internal static class OvertakeTask
{
    private const string Trainer = "ML.NET FastTree binary classification: ahead of the car now directly ahead after 1, 2 or 3 laps (horizon is a feature)";

    /// <summary>AUC per horizon of a model fitted on <paramref name="before"/>, scored on <paramref name="validation"/>, beside gap-only.</summary>
    public static Dictionary<string, double> Validate(IEnumerable<OvertakeExample> before, IReadOnlyList<OvertakeExample> validation, int season)
    {
        var metrics = new Dictionary<string, double>();
        foreach (var (horizon, score) in OvertakeModel.Evaluate(OvertakeModel.Train(before), validation))
        {
            metrics[$"validation-{season}.{OvertakeModel.TaskFor(horizon)}.{score.Model}.auc"] = Math.Round(score.Auc, 4);
            metrics[$"validation-{season}.{OvertakeModel.TaskFor(horizon)}.n"] = score.N;
        }

        return metrics;
    }

    public static void Train(string output, Dictionary<string, double> metrics, List<int> seasons, List<TrainingFile> files, IEnumerable<OvertakeExample> examples) =>
        ModelCommands.Write(output, OvertakeModel.Task, Trainer, OvertakeExample.FeatureColumns, metrics, seasons, files, path => OvertakeModel.Train(examples).Save(path));

    /// <summary>Rows per horizon, model and metric, shaped like the pit rows.</summary>
    public static void Evaluate(bool json, OvertakeModel? model, ModelMetadata? metadata, int season, string kind, bool trainedOn, IReadOnlyList<OvertakeExample> examples)
    {
        if (examples.Count == 0)
        {
            return;
        }

        foreach (var (horizon, score) in OvertakeModel.Evaluate(model, examples))
        {
            var version = score.Model == OvertakeModel.FastTree ? metadata?.Version : null;
            var metrics = new List<(string, double?)> { ("auc", score.Auc), ("pr_auc", score.PrAuc), ("brier", score.Brier), ("logloss", score.LogLoss) };
            foreach (var (metric, value) in metrics.Where(m => m.Item2 is { } v && double.IsFinite(v)))
            {
                ModelCommands.Print(json, new { task = OvertakeModel.TaskFor(horizon), season, kind, trainedOn, model = score.Model, metric, value = Math.Round(value!.Value, 4), n = score.N, positives = score.Positives, version });
            }
        }
    }
}
