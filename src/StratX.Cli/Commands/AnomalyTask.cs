using System.Globalization;
using StratX.Models.Anomaly;

namespace StratX.Cli.Commands;

/// <summary>stratx evaluate for the lap anomaly detector (rules, nothing to train): how often it fires, and its strongest flags.</summary>
internal static class AnomalyTask
{
    public const string Task = "anomaly";
    private const string Model = "robust-z";

    public static void Evaluate(IReadOnlyList<ModelCommands.SeasonSet> sets, Action<object> print)
    {
        foreach (var set in sets.Where(s => s.Races.Count > 0))
        {
            var judged = set.Races.SelectMany(r => LapAnomalyDetector.Race(r.Laps).Select(a => (Race: r, Car: a.Lap.Car.Value, a.Anomaly))).ToList();
            var flagged = judged.Where(j => j.Anomaly.Flag).ToList();
            print(new { task = Task, season = set.Season, kind = set.Kind, trainedOn = false, model = Model, metric = "flags-per-race", value = Math.Round((double)flagged.Count / set.Races.Count, 3), n = set.Races.Count });
            print(new { task = Task, season = set.Season, kind = set.Kind, trainedOn = false, model = Model, metric = "flagged-lap-share", value = Math.Round((double)flagged.Count / judged.Count, 5), n = judged.Count });
            foreach (var (race, car, anomaly) in flagged.OrderByDescending(f => f.Anomaly.Score).Take(5))
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"anomaly {race.Season} {race.Name} car {car} lap {anomaly.LapNumber}: score {anomaly.Score:0.0}, {anomaly.Reason}"));
            }
        }
    }
}
