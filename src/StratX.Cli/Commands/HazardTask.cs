using StratX.Ingestion.History;
using StratX.Models;
using StratX.Models.Hazard;

namespace StratX.Cli.Commands;

/// <summary>
/// stratx train / evaluate for the safety-car hazard. Circuit priors come from the results history's
/// neutralisation tables (found beside --data), each race's from seasons before its own only.
/// </summary>
internal static class HazardTask
{
    public const string Task = HazardModel.Task;

    /// <summary>The neutralisation history read from <see cref="Folder"/>, up to the last training season.</summary>
    public sealed record History(string Folder, List<PastRace> Races);

    public static void Train(string output, IReadOnlyList<ModelCommands.SeasonSet> sets, History? read, List<TrainingFile> trainedOn)
    {
        if (read is null)
        {
            Console.Error.WriteLine($"{Task}: no history folder (races.csv, results.csv, safety_cars.csv…) beside the data, or no race season: not trained.");
            return;
        }

        var (historyFolder, history) = read;
        var races = sets.Where(s => s.IsRace).ToList();
        var seasons = races.Select(s => s.Season).Order().ToList();
        var examples = races.ToDictionary(s => s.Season, s => Examples(s, HazardPriors.Fit(history, s.Season - 1)));
        if (examples.Values.Sum(e => e.Count(x => x.Label)) is var neutralisations and < HazardModel.MinNeutralisations)
        {
            Console.Error.WriteLine($"{Task}: only {neutralisations} neutralisations in the data, at least {HazardModel.MinNeutralisations} are needed: not trained.");
            return;
        }

        var metrics = new Dictionary<string, double>();
        if (seasons.Count > 1 && seasons.SkipLast(1).Sum(s => examples[s].Count(x => x.Label)) >= HazardModel.MinNeutralisations)
        {
            var held = seasons[^1];
            var before = seasons.Where(s => s != held).SelectMany(s => examples[s]).ToList();
            var rate = before.Average(e => e.Label ? 1.0 : 0.0);
            var (next, rest) = HazardModel.Evaluate(HazardModel.Train(before), examples[held], rate);
            foreach (var score in next)
            {
                metrics[$"validation-{held}.{score.Model}.brier"] = Math.Round(score.Brier!.Value, 5);
                metrics[$"validation-{held}.{score.Model}.auc"] = Math.Round(score.Auc, 4);
            }

            foreach (var score in rest)
            {
                metrics[$"validation-{held}.{score.Model}.rest-brier"] = Math.Round(score.Brier!.Value, 5);
            }

            metrics[$"validation-{held}.n"] = examples[held].Count;
            Console.Error.WriteLine($"{Task} validated on {held}: {string.Join(", ", metrics.Where(m => !m.Key.EndsWith(".n", StringComparison.Ordinal)).Select(m => $"{m.Key} {m.Value:0.0000}"))}");
        }

        var all = examples.Values.SelectMany(e => e).ToList();

        var trainingRate = all.Average(e => e.Label ? 1.0 : 0.0);
        metrics["train.rate"] = Math.Round(trainingRate, 5);
        metrics["train.neutralisations"] = all.Count(e => e.Label);
        var historyFiles = new[] { "races.csv", "results.csv", Neutralisations.SafetyCarsFile, Neutralisations.VirtualSafetyCarsFile, Neutralisations.RedFlagsFile }
            .Select(f => TrainingFile.Of(Path.Combine(historyFolder, f)));
        ModelCommands.Write(output, Task, "ML.NET L-BFGS logistic regression (L2 1.0, standardised features): SC/VSC/red flag starting during the next leader lap", HazardExample.FeatureColumns, metrics, seasons, [.. trainedOn, .. historyFiles], path =>
        {
            HazardModel.Train(all).Save(path);
            (HazardPriors.Fit(history, seasons[^1]) with { TrainingRate = Math.Round(trainingRate, 6) }).Save(Path.Combine(Path.GetDirectoryName(path)!, HazardPriors.FileName));
        });
    }

    public static void Evaluate(string models, IReadOnlyList<ModelCommands.SeasonSet> sets, Action<object> print)
    {
        var (model, metadata) = ModelCommands.LoadLatest(models, Task, path => SafetyCarHazard.Load(Path.GetDirectoryName(path)!));
        if (model is null)
        {
            return;
        }

        foreach (var set in sets)
        {
            var examples = Examples(set, model.Priors);
            var (next, rest) = HazardModel.Evaluate(model.Model, examples, model.Priors.TrainingRate);
            var trainedOn = metadata!.Seasons.Contains(set.Season) && set.IsRace;
            foreach (var (score, prefix) in next.Select(s => (s, "")).Concat(rest.Select(s => (s, "rest-"))))
            {
                var version = score.Model == HazardModel.Name ? metadata.Version : (int?)null;
                foreach (var (metric, value) in new (string, double?)[] { ("brier", score.Brier), ("logloss", score.LogLoss), ("auc", score.Auc) })
                {
                    if (value is { } v && double.IsFinite(v))
                    {
                        print(new { task = Task, season = set.Season, kind = set.Kind, trainedOn, model = score.Model, metric = prefix + metric, value = Math.Round(v, 5), n = score.N, positives = score.Positives, version });
                    }
                }
            }
        }
    }

    private static List<HazardExample> Examples(ModelCommands.SeasonSet set, HazardPriors priors) =>
        [.. set.Races.SelectMany(r => HazardDataset.FromRace(r.Circuit, r.Laps, r.Statuses, r.TotalLaps, priors))];

    /// <summary>Reads the history the hazard model trains on; null without a history folder or a race season. Throws InvalidDataException on a bad row.</summary>
    public static History? ReadHistory(string? folder, IReadOnlyList<ModelCommands.SeasonSet> sets)
    {
        var races = sets.Where(s => s.IsRace).ToList();
        if (folder is null || races.Count == 0)
        {
            return null;
        }

        var lastSeason = races.Max(s => s.Season);
        return new History(folder, [.. RaceNeutralisationHistory.Read(folder, HazardPriors.FirstSeason, lastSeason).Select(r => new PastRace(r.Season, r.Circuit, r.Laps, r.Starts))]);
    }
}
