using StratX.Domain.Events;

namespace StratX.Models.Degradation;

/// <summary>Error of one predictor of a stint's late pace.</summary>
public readonly record struct DegradationScore(string Model, double Mae, double Rmse, int N);

/// <summary>How often the cliff alert fires: stints it fired on, and alerts over the stint-laps it judged.</summary>
public readonly record struct CliffRate(int Races, int StintsJudged, int StintsFired, int LapsJudged, int LapsFired, int FiredThenPitWithin3);

/// <summary>
/// The degradation task: for every stint with at least 2 × <see cref="DegradationCurves.Window"/> clean laps,
/// predict the mean of its last five clean laps from its first five; the baseline is no change.
/// </summary>
public static class DegradationEvaluation
{
    public static IEnumerable<(string? Circuit, Stint Stint)> Stints(IEnumerable<(string? Circuit, IReadOnlyList<LapCompleted> Laps)> races, Domain.Tyres.FuelModel fuel) =>
        races.SelectMany(r => r.Laps.GroupBy(l => l.Car).SelectMany(car => StintLaps.Of([.. car], fuel)).Select(s => (r.Circuit, s)));

    public static IReadOnlyList<DegradationScore> Evaluate(DegradationCurves curves, IEnumerable<(string? Circuit, Stint Stint)> stints)
    {
        var predictions = stints.Select(s => curves.PredictLateWindow(s.Circuit, s.Stint)).Where(p => p is not null).Select(p => p!.Value).ToList();
        if (predictions.Count == 0)
        {
            return [];
        }

        return
        [
            Score(DegradationCurves.Name, predictions.Select(p => p.Predicted - p.Actual).ToList()),
            Score(DegradationCurves.NoChange, predictions.Select(p => p.NoChange - p.Actual).ToList()),
        ];
    }

    /// <summary>The cliff alert run lap by lap over every stint, as it would have run live.</summary>
    public static CliffRate CliffRates(DegradationCurves curves, IReadOnlyList<(string? Circuit, Stint Stint)> stints, int races, double scoreThreshold = CliffDetector.ScoreThreshold, double excessThreshold = CliffDetector.ExcessThreshold)
    {
        int judged = 0, fired = 0, lapsJudged = 0, lapsFired = 0, pitted = 0;
        foreach (var (circuit, stint) in stints)
        {
            var scan = CliffDetector.Scan(stint, curves.RateFor(circuit, stint.Compound), scoreThreshold, excessThreshold);
            if (scan.Count == 0)
            {
                continue;
            }

            judged++;
            lapsJudged += scan.Count;
            lapsFired += scan.Count(a => a.Alert.Fires);
            if (scan.FirstOrDefault(a => a.Alert.Fires) is { Alert.Fires: true } first)
            {
                fired++;
                var lastLap = stint.Clean[^1].LapNumber;
                if (stint.Ended && lastLap - first.Lap.LapNumber <= 3)
                {
                    pitted++;
                }
            }
        }

        return new CliffRate(races, judged, fired, lapsJudged, lapsFired, pitted);
    }

    private static DegradationScore Score(string model, List<double> errors) =>
        new(model, errors.Average(Math.Abs), Math.Sqrt(errors.Average(e => e * e)), errors.Count);
}
