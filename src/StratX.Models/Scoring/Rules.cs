using StratX.Domain.Events;
using StratX.Domain.Tyres;
using StratX.Models.Live;

namespace StratX.Models.Scoring;

/// <summary>
/// The rule a strategist would use when a model is missing, fails or cannot score a case. Every value here is
/// flagged as a rule where it is shown; the model cards in docs/MODELS.md measure the models against these.
/// </summary>
public static class Rules
{
    /// <summary>Per-lap chance of a safety car or VSC starting, over all circuits (about one per race).</summary>
    public const double HazardPerLap = 0.02;

    /// <summary>Typical stop costs (s) at a circuit whose loss is not known: green, VSC, safety car.</summary>
    public const double PitLossGreen = 22, PitLossVirtualSafetyCar = 15, PitLossSafetyCar = 12;

    /// <summary>P(pit again at the end of the next lap) for a car that has just come in (a second stop straight after is a repair).</summary>
    public const double JustPitted = 0.005;

    /// <summary>Typical tyre wear (s per lap of age) when a stint has too few clean laps to fit its own.</summary>
    public const double WearPerLap = 0.05;

    /// <summary>The last lap if it was clean and green, else the mean of the last three clean laps (the naive-hybrid baseline).</summary>
    public static double? NextLap(IReadOnlyList<LapCompleted> carLaps)
    {
        if (carLaps.Count == 0)
        {
            return null;
        }

        var last = carLaps[^1];
        if (RaceLaps.IsClean(last))
        {
            return last.LapTime;
        }

        var clean = carLaps.Where(RaceLaps.IsClean).TakeLast(3).Select(l => l.LapTime!.Value).ToList();
        return clean.Count > 0 ? clean.Average() : last.LapTime;
    }

    /// <summary>
    /// Pit at the end of the next lap: a small base chance rising steeply once the tyres are older than the
    /// stints other cars have already run on this compound (or than 40% of the race when none has).
    /// </summary>
    public static double PitNextLap(int tyreAge, double typicalStint, int lapsRemaining)
    {
        if (lapsRemaining <= 1)
        {
            return 0.005;
        }

        var over = tyreAge - typicalStint;
        return Math.Round(0.01 + (0.25 / (1 + Math.Exp(-over / 2.0))), 4);
    }

    /// <summary>Ahead of the car in front after k laps: even at no gap, falling off quickly with the gap.</summary>
    public static double Overtake(double intervalSeconds, int laps) =>
        Math.Round(0.5 * Math.Exp(-Math.Max(0, intervalSeconds) / (0.6 * laps)), 4);

    /// <summary>At least one neutralisation in the laps left at a constant per-lap chance.</summary>
    public static double RestOfRace(double perLap, int lapsLeft) => lapsLeft <= 0 ? 0 : 1 - Math.Pow(1 - perLap, lapsLeft);

    /// <summary>
    /// The stint's slope (fuel-corrected, over its clean laps) when it has five or more, else typical wear;
    /// the loss after k more laps is k times that.
    /// </summary>
    public static double WearSlope(IReadOnlyList<LapCompleted> stintLaps)
    {
        var clean = stintLaps.Where(l => RaceLaps.IsClean(l) && l.TyreAge is not null).ToList();
        if (clean.Count >= 5)
        {
            var ages = clean.Select(l => (double)l.TyreAge!.Value).ToArray();
            var times = clean.Select(l => FuelModel.Default.Correct(l.LapTime!.Value, l.LapNumber)).ToArray();
            if (StintDegradation.Fit(ages, times) is { } fit)
            {
                return Math.Clamp(fit.SlopeSecondsPerLap, 0, 0.5);
            }
        }

        return WearPerLap;
    }
}
