using StratX.Domain.Laps;
using StratX.Domain.Racing;
using StratX.Simulation;

namespace StratX.Cli.Backtesting;

/// <summary>
/// One figure of the live wear backtest: the mean absolute and mean signed error (predicted − actual, s/lap) of
/// a variant's wear rate against the slopes of the stints run after the lap the race was cut at.
/// </summary>
/// <param name="At">Race fraction of the cut; null pools every fraction.</param>
/// <param name="History">The historical model: <c>fitted</c> (circuits fitted on the earlier seasons) or <c>typical</c> (<see cref="CircuitModel.TypicalDry"/>, what the planner starts from).</param>
/// <param name="Variant"><c>history</c>, <c>live-w{prior stints}</c>, or <c>oracle</c> (the median of the race's own later stints: not causal, the floor the noise of single stints leaves).</param>
/// <param name="Compound">soft, medium, hard or all.</param>
/// <param name="Targets"><c>all</c> later stints, or <c>updated</c>: only those of a compound the race had live stints of by the cut (where the variants differ).</param>
internal sealed record LiveWearMetric(double? At, string History, string Variant, string Compound, string Targets, double Mae, double Bias, int N);

/// <summary>
/// Backtest of <see cref="LiveWear"/>: every race of the scored seasons is cut at fractions of its distance; the
/// stints run by then update the historical wear rates (circuits fitted on the seasons before, and the typical
/// model) for each prior weight, and each compound's rate is scored against the fitted slope of every stint (or
/// the rest of a stint) run after the cut, read with the same clean-lap rules and minimum.
/// </summary>
internal sealed class LiveWearBacktest(IReadOnlyList<double> priors, int minimumLiveLaps)
{
    private static readonly TyreCompound[] Dry = [TyreCompound.Soft, TyreCompound.Medium, TyreCompound.Hard];

    public List<LiveWearMetric> Run(IReadOnlyList<RecordedRace> races, IReadOnlyCollection<int> scoredSeasons, IReadOnlyList<double> fractions, Action<string>? progress = null)
    {
        var errors = new List<Error>();
        foreach (var season in scoredSeasons.Order())
        {
            var fitter = new CircuitFitter(CircuitModel.TypicalDry);
            foreach (var race in races.Where(r => r.Season < season))
            {
                fitter.Add(race.Circuit, race.TotalLaps, race.Laps, race.Stops, race.Statuses);
            }

            var earlier = races.Where(r => r.Season < season).Select(r => r.Season).Distinct().Order().ToList();
            progress?.Invoke($"{season}: circuits fitted on {fitter.Races} races of {(earlier.Count == 0 ? "no earlier season (the typical model)" : string.Join(",", earlier))}");
            foreach (var race in races.Where(r => r.Season == season))
            {
                foreach (var at in fractions)
                {
                    if (!race.RanPast(at))
                    {
                        progress?.Invoke($"skipped {race.Season} round {race.Round} at {at}: the race ran {race.LeaderLaps} laps");
                        continue;
                    }

                    errors.AddRange(Score(race, at, fitter.For(race.Circuit)));
                }
            }
        }

        var metrics = new List<LiveWearMetric>();
        foreach (var group in errors.GroupBy(e => (e.At, e.History, e.Variant)))
        {
            metrics.AddRange(Summarise(group.Key.At, group.Key.History, group.Key.Variant, [.. group]));
        }

        foreach (var group in errors.GroupBy(e => (e.History, e.Variant)))
        {
            metrics.AddRange(Summarise(null, group.Key.History, group.Key.Variant, [.. group]));
        }

        return metrics;
    }

    private IEnumerable<Error> Score(RecordedRace race, double at, CircuitModel fitted)
    {
        var cut = race.LapAt(at);
        var fuel = CircuitModel.TypicalDry.FuelEffectPerLap;
        var cars = race.Laps
            .Where(l => l.Stint is not null)
            .GroupBy(l => l.Car)
            .Select(g => (Id: g.Key.Value, Laps: g.OrderBy(l => l.LapNumber).Select(l => LapRecord.From(l, l.Stint!.Value)).ToList()))
            .ToList();
        var histories = race.HistoriesTo(cut);
        var targets = cars.SelectMany(c => StintWear.Of(c.Laps.Where(l => l.LapNumber > cut), race.TotalLaps, fuel)).ToList();
        var oracle = Dry.ToDictionary(c => c, c => StintWear.Median([.. targets.Where(t => t.Compound == c).Select(t => t.SecondsPerLap)]));
        foreach (var (name, model) in new[] { ("fitted", fitted), ("typical", CircuitModel.TypicalDry) })
        {
            var fits = priors.Select(w => LiveWear.Fit(model, histories, race.TotalLaps, cut, w, minimumLiveLaps)).ToList();
            foreach (var target in targets)
            {
                var updated = fits.Count > 0 && fits[0].Compounds.Single(c => c.Compound == target.Compound).LiveStints > 0;
                yield return new Error(at, name, "history", target.Compound, updated, model.Tyre(target.Compound).DegradationPerLap - target.SecondsPerLap);
                yield return new Error(at, name, "oracle", target.Compound, updated, oracle[target.Compound]!.Value - target.SecondsPerLap);
                for (var i = 0; i < priors.Count; i++)
                {
                    yield return new Error(at, name, Name(priors[i]), target.Compound, updated, fits[i].Model.Tyre(target.Compound).DegradationPerLap - target.SecondsPerLap);
                }
            }
        }
    }

    /// <summary>The variant's name for a prior weight, e.g. live-w8.</summary>
    public static string Name(double prior) => FormattableString.Invariant($"live-w{prior:0.##}");

    private static IEnumerable<LiveWearMetric> Summarise(double? at, string history, string variant, List<Error> errors)
    {
        foreach (var targets in new[] { "all", "updated" })
        {
            var chosen = targets == "all" ? errors : [.. errors.Where(e => e.Updated)];
            TyreCompound?[] compounds = [null, .. Dry.Select(c => (TyreCompound?)c)];
            foreach (var compound in compounds)
            {
                var scored = compound is null ? chosen : [.. chosen.Where(e => e.Compound == compound)];
                if (scored.Count > 0)
                {
                    yield return new LiveWearMetric(
                        at,
                        history,
                        variant,
                        compound?.ToFeedName().ToLowerInvariant() ?? "all",
                        targets,
                        scored.Average(e => Math.Abs(e.Value)),
                        scored.Average(e => e.Value),
                        scored.Count);
                }
            }
        }
    }

    /// <summary>Predicted minus actual wear (s/lap) for one stint after the cut.</summary>
    private readonly record struct Error(double At, string History, string Variant, TyreCompound Compound, bool Updated, double Value);
}
