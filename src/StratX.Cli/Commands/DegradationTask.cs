using System.Globalization;
using StratX.Domain.Events;
using StratX.Domain.Tyres;
using StratX.Models;
using StratX.Models.Degradation;

namespace StratX.Cli.Commands;

/// <summary>stratx train / evaluate for tyre degradation (wear curves) and the cliff alert.</summary>
internal static class DegradationTask
{
    public const string Task = "degradation";

    public static void Train(string output, IReadOnlyList<ModelCommands.SeasonSet> sets, List<TrainingFile> trainedOn)
    {
        var races = sets.Where(s => s.IsRace).ToList();
        var seasons = races.Select(s => s.Season).Order().ToList();
        var metrics = new Dictionary<string, double>();
        if (seasons.Count > 1)
        {
            var held = seasons[^1];
            var curves = DegradationCurves.Fit(Stints(races.Where(s => s.Season != held)), FuelModel.Default);
            foreach (var score in DegradationEvaluation.Evaluate(curves, Stints(races.Where(s => s.Season == held))))
            {
                metrics[$"validation-{held}.{score.Model}.mae"] = Math.Round(score.Mae, 4);
                metrics[$"validation-{held}.n"] = score.N;
            }

            Console.Error.WriteLine($"{Task} validated on {held}: {string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value:0.000}"))}");
        }

        var fitted = DegradationCurves.Fit(Stints(races), FuelModel.Default);

        // The cliff thresholds are read off the training seasons: how often each candidate fires, and how often a stint it fires on ends within three laps.
        var stints = Stints(races).ToList();
        foreach (var (z, excess) in new[] { (3.0, 0.5), (3.0, 0.8), (4.0, 0.8), (4.0, 1.2), (5.0, 1.2) })
        {
            var rate = DegradationEvaluation.CliffRates(fitted, stints, races.Sum(r => r.Races.Count), z, excess);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Task} cliff z≥{z} excess≥{excess}: fired on {rate.StintsFired}/{rate.StintsJudged} stints, {(double)rate.LapsFired / rate.Races:0.0} alerts/race, {rate.FiredThenPitWithin3} stints pitted within 3 laps of the first alert"));
        }

        var chosen = DegradationEvaluation.CliffRates(fitted, stints, races.Sum(r => r.Races.Count));
        metrics["train.cliff.stints-fired-share"] = Math.Round((double)chosen.StintsFired / chosen.StintsJudged, 4);
        metrics["train.cliff.alerts-per-race"] = Math.Round((double)chosen.LapsFired / chosen.Races, 3);
        ModelCommands.Write(output, Task, "Wear curves: fuel-corrected pace loss per lap of tyre age, median of stint rates per compound, per circuit × compound shrunk towards it (8 stints)",
            ["compound", "tyre age", "circuit", "race lap (fuel)"], metrics, seasons, trainedOn, fitted.Save, DegradationCurves.FileName);
    }

    public static void Evaluate(string models, IReadOnlyList<ModelCommands.SeasonSet> sets, Action<object> print)
    {
        var (curves, metadata) = ModelCommands.LoadLatest(models, Task, DegradationCurves.Load, DegradationCurves.FileName);
        if (curves is null)
        {
            return;
        }

        foreach (var set in sets)
        {
            var stints = Stints([set]).ToList();
            var trainedOn = metadata!.Seasons.Contains(set.Season) && set.IsRace;
            foreach (var score in DegradationEvaluation.Evaluate(curves, stints))
            {
                var version = score.Model == DegradationCurves.Name ? metadata.Version : (int?)null;
                print(new { task = Task, season = set.Season, kind = set.Kind, trainedOn, model = score.Model, metric = "mae", value = Math.Round(score.Mae, 4), n = score.N, version });
                print(new { task = Task, season = set.Season, kind = set.Kind, trainedOn, model = score.Model, metric = "rmse", value = Math.Round(score.Rmse, 4), n = score.N, version });
            }

            var cliff = DegradationEvaluation.CliffRates(curves, stints, set.Races.Count);
            if (cliff.StintsJudged > 0)
            {
                print(new { task = Task, season = set.Season, kind = set.Kind, trainedOn, model = "cliff-alert", metric = "stints-fired-share", value = Math.Round((double)cliff.StintsFired / cliff.StintsJudged, 4), n = cliff.StintsJudged, version = metadata.Version });
                print(new { task = Task, season = set.Season, kind = set.Kind, trainedOn, model = "cliff-alert", metric = "alerts-per-race", value = Math.Round((double)cliff.LapsFired / cliff.Races, 3), n = cliff.Races, version = metadata.Version });
                print(new { task = Task, season = set.Season, kind = set.Kind, trainedOn, model = "cliff-alert", metric = "fired-then-pitted-share", value = cliff.StintsFired == 0 ? 0 : Math.Round((double)cliff.FiredThenPitWithin3 / cliff.StintsFired, 4), n = cliff.StintsFired, version = metadata.Version });
            }
        }
    }

    private static IEnumerable<(string? Circuit, Stint Stint)> Stints(IEnumerable<ModelCommands.SeasonSet> sets) =>
        DegradationEvaluation.Stints(sets.SelectMany(s => s.Races).Select(r => (r.Circuit, (IReadOnlyList<LapCompleted>)r.Laps)), FuelModel.Default);
}
