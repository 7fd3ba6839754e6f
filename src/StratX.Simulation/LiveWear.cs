using StratX.Domain.Racing;

namespace StratX.Simulation;

/// <summary>One dry compound's wear rate after a live update, and what it came from.</summary>
/// <param name="PerLap">The rate the model now carries (s/lap of tyre age).</param>
/// <param name="Historical">The rate of the historical model it started from.</param>
/// <param name="LiveStints">Stints of this race behind the update (0: the historical rate unchanged).</param>
/// <param name="LiveMedian">The median of those stints' slopes; null with none.</param>
public readonly record struct CompoundWear(TyreCompound Compound, double PerLap, double Historical, int LiveStints, double? LiveMedian);

/// <summary>A circuit model with its dry compounds' wear learnt from the race so far, per compound.</summary>
public sealed record LiveWearFit(CircuitModel Model, IReadOnlyList<CompoundWear> Compounds)
{
    /// <summary>Stints of this race behind the update, over all compounds.</summary>
    public int LiveStints => Compounds.Sum(c => c.LiveStints);
}

/// <summary>
/// Today's tyre wear: the circuit's historical wear rates updated from the stints run so far in the race being
/// planned. Each stint with enough clean laps (read as <see cref="StintWear"/> reads past races, so history and
/// today measure the same thing; a stint still running counts once it has them) gives a slope; per dry compound
/// the historical rate is shrunk toward the median of this race's slopes as if <c>priorStints</c> stints at the
/// historical rate were added, as <see cref="CircuitFitter"/> shrinks a circuit toward all circuits. Only the
/// dry compounds' <see cref="CompoundModel.DegradationPerLap"/> changes; offsets, cliffs and everything else are
/// the historical model's. With no usable stint the historical model itself is returned.
/// </summary>
/// <remarks>
/// Eight clean laps, as for history: a slope over fewer laps of tyre age is mostly lap-time noise (with 0.3–0.5 s
/// of noise a lap, the standard error of a slope over 8 consecutive ages is already ~0.05–0.08 s/lap, the size of
/// the wear itself), one rule for both keeps the blend a blend of like with like, and 5 or 12 laps scored within
/// 0.0003 s/lap (MAE) of 8 in <c>stratx backtest live-wear --min-laps</c> on 2019–2021.
/// </remarks>
public static class LiveWear
{
    /// <summary>
    /// Prior weight of the historical rate, in stints. Of 0–128, weights 32–64 best predicted the wear of the stints
    /// still to run in 2019–2021 (tied to 0.0001 s/lap; 32, the lightest, was taken) in <c>stratx backtest
    /// live-wear</c> (docs/MODELS.md, "Live wear update"); 2022 was scored as held out, not tuned on.
    /// </summary>
    public const double DefaultPriorStints = 32;

    private static readonly TyreCompound[] DryCompounds = [TyreCompound.Soft, TyreCompound.Medium, TyreCompound.Hard];

    /// <summary>
    /// The historical model with each dry compound's wear updated from the race's stints run by the end of
    /// <paramref name="afterLap"/> (laps after it are ignored, so a recording gives the state it was in then).
    /// </summary>
    /// <param name="historical">The circuit's model from past races.</param>
    /// <param name="cars">Every car's laps in this race.</param>
    /// <param name="totalLaps">The race distance (fuel correction).</param>
    /// <param name="afterLap">The last lap completed by the leader.</param>
    /// <param name="priorStints">How many stints the historical rate weighs (0: this race's median alone).</param>
    /// <param name="minimumCleanLaps">Clean laps a stint needs to count.</param>
    public static LiveWearFit Fit(
        CircuitModel historical,
        IReadOnlyList<CarHistory> cars,
        int totalLaps,
        int afterLap,
        double priorStints = DefaultPriorStints,
        int minimumCleanLaps = StintWear.MinimumCleanLaps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priorStints);
        var slopes = cars
            .SelectMany(c => StintWear.Of(c.Laps.Where(l => l.LapNumber <= afterLap), totalLaps, historical.FuelEffectPerLap, minimumCleanLaps))
            .ToList();
        var compounds = DryCompounds.Select(compound =>
        {
            var mine = slopes.Where(s => s.Compound == compound).Select(s => s.SecondsPerLap).ToList();
            var before = historical.Tyre(compound).DegradationPerLap;
            return mine.Count == 0
                ? new CompoundWear(compound, before, before, 0, null)
                : new CompoundWear(compound, StintWear.Shrink(before, priorStints, mine), before, mine.Count, StintWear.Median(mine));
        }).ToList();

        if (compounds.All(c => c.LiveStints == 0))
        {
            return new LiveWearFit(historical, compounds);
        }

        CompoundModel Updated(CompoundModel model, TyreCompound compound) =>
            model with { DegradationPerLap = compounds.Single(c => c.Compound == compound).PerLap };

        var model = historical with
        {
            Soft = Updated(historical.Soft, TyreCompound.Soft),
            Medium = Updated(historical.Medium, TyreCompound.Medium),
            Hard = Updated(historical.Hard, TyreCompound.Hard),
        };
        return new LiveWearFit(model, compounds);
    }
}
