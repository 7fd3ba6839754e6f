using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StratX.Domain.Identity;
using StratX.Ingestion.OpenF1;
using StratX.Ingestion.Validation;
using StratX.Models.Anomaly;

namespace StratX.Cli.Commands;

/// <summary>
/// stratx anomalies: what the lap anomaly rules flag in a recorded race with its car telemetry, judged as the
/// session judges them live (each lap at its crossing from what had arrived by then, then again once its own
/// telemetry has come in), so an analyst can read every alert a strategist would have seen and why.
/// </summary>
internal static class AnomalyCommand
{
    public static Command Create()
    {
        var recording = new Option<string>("--recording") { Description = "An OpenF1 race folder (with openf1_json/ and car_data/).", Required = true };
        var json = new Option<bool>("--json") { Description = "One JSON object per line on stdout: each flag, then the totals." };
        var command = new Command("anomalies", "List the laps the anomaly rules flag in a recorded race, judged as they would have been live.") { recording, json };
        command.SetAction(result => Run(result.GetValue(recording)!, result.GetValue(json)));
        return command;
    }

    private static int Run(string folder, bool json)
    {
        var rejections = new CountingSink();
        OpenF1Recording recording;
        try
        {
            recording = OpenF1Recording.Open(folder, rejections);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"stratx anomalies: {e.Message}");
            return 2;
        }

        var judged = LiveAnomalies.Judge(recording.Read(new SessionKey(TenantId.Demo, new SessionId("anomalies"))));

        // A lap judged twice (at its crossing, then with its own telemetry) is listed once: with the last verdict that
        // flagged it, and the signals of every verdict that did.
        var laps = judged.GroupBy(j => (j.Car, j.Anomaly.LapNumber)).ToList();
        var flagged = laps.Where(g => g.Any(j => j.Anomaly.Flag))
            .Select(g => (g.Key.Car, Anomaly: g.Last(j => j.Anomaly.Flag).Anomaly, Signals: g.Where(j => j.Anomaly.Flag).Aggregate(AnomalySignals.None, (s, j) => s | j.Anomaly.Signals)))
            .ToList();
        foreach (var (car, anomaly, signals) in flagged)
        {
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new { car = car.Value, lap = anomaly.LapNumber, score = anomaly.Score, secondsOff = anomaly.SecondsOff, signals = signals.ToString(), reason = anomaly.Reason }));
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"car {car.Value,-3} lap {anomaly.LapNumber,3}  score {anomaly.Score,5:0.0}  {anomaly.Reason}"));
            }
        }

        var bySignal = Enum.GetValues<AnomalySignals>().Where(s => s != AnomalySignals.None)
            .ToDictionary(s => s.ToString(), s => flagged.Count(f => f.Signals.HasFlag(s)));
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { race = recording.Race.Name, laps = laps.Count, judgements = judged.Count, flagged = flagged.Count, bySignal, rejected = rejections.Count }));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{recording.Race.Name}: {flagged.Count} of {laps.Count} laps flagged ({judged.Count} judgements); flagged laps by signal: {string.Join(", ", bySignal.Select(p => $"{p.Key} {p.Value}"))}; {rejections.Count} records rejected"));
        }

        return 0;
    }

    private sealed class CountingSink : IRejectionSink
    {
        public int Count { get; private set; }

        public void Reject(InputRejection rejection) => Count++;
    }
}
