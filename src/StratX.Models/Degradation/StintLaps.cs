using StratX.Domain.Events;
using StratX.Domain.Racing;
using StratX.Domain.Tyres;
using StratX.Models.NextLap;

namespace StratX.Models.Degradation;

/// <summary>
/// A clean lap of a stint: race lap, tyre age, lap time and the time with the fuel effect added back;
/// <paramref name="Disturbed"/> when the car was within 1.5 s of the car ahead or was being lapped (blue flags).
/// </summary>
public readonly record struct StintLap(int LapNumber, int TyreAge, double LapTime, double Corrected, bool Disturbed = false);

/// <summary>One stint of one car: its compound and its clean laps so far, in order.</summary>
public sealed record Stint(string Car, int Number, TyreCompound Compound, IReadOnlyList<StintLap> Clean, bool Ended);

/// <summary>
/// Cuts a car's laps into stints of clean laps. Causal: a lap is clean when it is a green lap that is not
/// the start, an in-lap or an out-lap, and not more than <see cref="StintPace.OutlierShare"/> slower than
/// the median of the stint's clean laps before it (traffic, a mistake) — so a stint's laps so far are
/// classified the same whatever comes later.
/// </summary>
public static class StintLaps
{
    public static List<Stint> Of(IReadOnlyList<LapCompleted> carLaps, FuelModel fuel)
    {
        var stints = new List<Stint>();
        var ordered = carLaps.OrderBy(l => l.LapNumber).ToList();
        var i = 0;
        while (i < ordered.Count)
        {
            var first = ordered[i];
            var number = first.Stint ?? 0;
            var clean = new List<StintLap>();
            var times = new List<double>();
            var ended = false;
            for (; i < ordered.Count && (ordered[i].Stint ?? 0) == number && (ordered[i].Compound == first.Compound); i++)
            {
                var lap = ordered[i];
                ended |= lap.PitIn;
                if (!NextLapDataset.IsClean(lap) || lap.TyreAge is not { } age)
                {
                    continue;
                }

                var time = lap.LapTime!.Value;
                if (times.Count >= 3 && time > Median(times) * (1 + StintPace.OutlierShare))
                {
                    continue;
                }

                times.Add(time);
                var lapped = i > 0 && ordered[i - 1].GapToLeader is { } before && lap.GapToLeader is { } after && after.Laps > before.Laps;
                var following = lap.IntervalToAhead is { IsLapped: false } gap && gap.Seconds < 1.5;
                clean.Add(new StintLap(lap.LapNumber, age, time, fuel.Correct(time, lap.LapNumber), lapped || following));
            }

            stints.Add(new Stint(first.Car.Value, number, first.Compound, clean, ended));
        }

        return stints;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
