using StratX.Models;
using StratX.Models.PitLoss;

namespace StratX.Cli.Commands;

/// <summary>stratx train / evaluate for the pit-stop time loss table.</summary>
internal static class PitLossTask
{
    public const string Task = PitLossTable.Task;

    public static void Train(string output, IReadOnlyList<ModelCommands.SeasonSet> sets, List<TrainingFile> trainedOn)
    {
        var races = sets.Where(s => s.IsRace).ToList();
        var seasons = races.Select(s => s.Season).Order().ToList();
        var metrics = new Dictionary<string, double>();
        if (seasons.Count > 1)
        {
            var held = seasons[^1];
            var table = PitLossTable.Fit(races.Where(s => s.Season != held).SelectMany(Samples));
            var (mae, constant, n) = table.Evaluate(races.Where(s => s.Season == held).SelectMany(Samples).ToList());
            metrics[$"validation-{held}.{PitLossTable.Name}.mae"] = Math.Round(mae, 4);
            metrics[$"validation-{held}.{PitLossTable.Constant}.mae"] = Math.Round(constant, 4);
            metrics[$"validation-{held}.n"] = n;
            Console.Error.WriteLine($"{Task} validated on {held}: {string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value:0.000}"))}");
        }

        var fitted = PitLossTable.Fit(races.SelectMany(Samples));
        foreach (var (status, value) in fitted.AllCircuits)
        {
            metrics[$"train.all-circuits.{status}.seconds"] = value.Seconds;
            metrics[$"train.all-circuits.{status}.stops"] = value.Stops;
        }

        ModelCommands.Write(output, Task, "Table: median per circuit and status (in the in-lap's status) of in-lap + out-lap minus staying out (twice the car's pace under green; the cars around it on the road over the same two laps when neutralised), shrunk towards all circuits (5 stops)",
            ["circuit", "status (green, VSC, SC)"], metrics, seasons, trainedOn, fitted.Save, PitLossTable.FileName);
    }

    public static void Evaluate(string models, IReadOnlyList<ModelCommands.SeasonSet> sets, Action<object> print)
    {
        var (table, metadata) = ModelCommands.LoadLatest(models, Task, PitLossTable.Load, PitLossTable.FileName);
        if (table is null)
        {
            return;
        }

        foreach (var set in sets)
        {
            var samples = Samples(set);
            var trainedOn = metadata!.Seasons.Contains(set.Season) && set.IsRace;
            foreach (var (status, suffix) in new (PitStatus?, string)[] { (null, ""), (PitStatus.Green, "-green"), (PitStatus.VirtualSafetyCar, "-vsc"), (PitStatus.SafetyCar, "-sc") })
            {
                var (mae, constant, n) = table.Evaluate(samples, status);
                if (n == 0)
                {
                    continue;
                }

                print(new { task = Task, season = set.Season, kind = set.Kind, trainedOn, model = PitLossTable.Name, metric = "mae" + suffix, value = Math.Round(mae, 4), n, version = (int?)metadata.Version });
                print(new { task = Task, season = set.Season, kind = set.Kind, trainedOn, model = PitLossTable.Constant, metric = "mae" + suffix, value = Math.Round(constant, 4), n, version = (int?)null });
            }
        }
    }

    private static List<PitLossSample> Samples(ModelCommands.SeasonSet set) =>
        [.. set.Races.SelectMany(r => PitLossTable.SamplesFromRace(r.Circuit, r.Laps))];
}
