using StratX.Domain.Laps;
using StratX.Domain.Racing;
using StratX.Domain.Tyres;

namespace StratX.Simulation;

/// <summary>One stint's fuel-corrected wear rate, read from its clean laps.</summary>
/// <param name="Stint">The stint's number in the car's race.</param>
/// <param name="Compound">The compound of its first clean lap.</param>
/// <param name="FirstLap">Race lap of its first clean lap.</param>
/// <param name="LastLap">Race lap of its last clean lap.</param>
/// <param name="CleanLaps">Clean laps the slope was fitted on.</param>
/// <param name="SecondsPerLap">Seconds lost per lap of tyre age, the fuel burnt taken out.</param>
public readonly record struct StintSlope(int Stint, TyreCompound Compound, int FirstLap, int LastLap, int CleanLaps, double SecondsPerLap);

/// <summary>
/// How a stint's tyre wear is read, the same for the fits from past races (<see cref="CircuitFitter"/>) and
/// from the race being run (<see cref="LiveWear"/>), so that the rates they blend measure the same thing: the
/// least-squares slope (<see cref="StintDegradation"/>) of lap time less the fuel still aboard against tyre
/// age, over the stint's clean laps — green, timed, with a tyre age, not the first lap of the race, not an in-
/// or out-lap, on a dry compound — once it has <see cref="MinimumCleanLaps"/> of them. A slope steeper than
/// <see cref="MaximumSlope"/> either way is a stint gone wrong (a problem, a drying track), not wear.
/// </summary>
public static class StintWear
{
    /// <summary>Clean laps a stint needs before its slope is read.</summary>
    public const int MinimumCleanLaps = 8;

    /// <summary>Slopes at least this steep (s/lap, either way) are dropped.</summary>
    public const double MaximumSlope = 0.5;

    /// <summary>A fitted or blended wear rate is kept within 0 and this (s/lap).</summary>
    public const double MaximumRate = 0.3;

    /// <summary>Whether a lap counts toward its stint's wear.</summary>
    public static bool IsClean(LapRecord lap) =>
        lap is { LapTime: not null, PitIn: false, PitOut: false, TyreAge: not null, TrackStatus: TrackStatus.Green }
        && lap.LapNumber > 1
        && lap.Compound.IsDry();

    /// <summary>
    /// The slope of every stint among one car's laps (in lap order) that has at least
    /// <paramref name="minimumCleanLaps"/> clean laps; other stints are left out.
    /// </summary>
    /// <param name="totalLaps">The race distance: a lap's fuel aboard is the laps still to run.</param>
    public static IEnumerable<StintSlope> Of(IEnumerable<LapRecord> laps, int totalLaps, double fuelEffectPerLap, int minimumCleanLaps = MinimumCleanLaps)
    {
        var needed = Math.Max(StintDegradation.MinimumLaps, minimumCleanLaps);
        foreach (var stint in laps.GroupBy(l => l.Stint))
        {
            var clean = stint.Where(IsClean).ToList();
            if (clean.Count < needed)
            {
                continue;
            }

            var ages = clean.Select(l => (double)l.TyreAge!.Value).ToArray();
            var times = clean.Select(l => l.LapTime!.Value - (fuelEffectPerLap * (totalLaps - l.LapNumber))).ToArray();
            if (StintDegradation.Fit(ages, times) is { } fit && Math.Abs(fit.SlopeSecondsPerLap) < MaximumSlope)
            {
                yield return new StintSlope(stint.Key, clean[0].Compound, clean[0].LapNumber, clean[^1].LapNumber, clean.Count, fit.SlopeSecondsPerLap);
            }
        }
    }

    /// <summary>
    /// A prior rate shrunk toward the median of observed stint slopes, as if <paramref name="priorStints"/>
    /// stints at the prior rate were added to them, and kept within 0 and <see cref="MaximumRate"/>. With no
    /// slopes, the prior (kept within the same bounds).
    /// </summary>
    public static double Shrink(double prior, double priorStints, List<double> slopes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priorStints);
        var rate = Median(slopes) is { } median
            ? ((median * slopes.Count) + (prior * priorStints)) / (slopes.Count + priorStints)
            : prior;
        return Math.Clamp(rate, 0.0, MaximumRate);
    }

    /// <summary>The median of the values (sorts them in place); null when there are none.</summary>
    public static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
