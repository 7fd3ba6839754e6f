using StratX.Domain.Events;
using StratX.Domain.Racing;
using StratX.Models.NextLap;

namespace StratX.Models.PitNextLap;

/// <summary>
/// Pit examples from a race's laps. Causal: at the end of lap n a car's features use its laps up to n and
/// the field's laps up to n; the label is whether its lap n + 1 ended in the pit lane.
/// </summary>
public static class PitDataset
{
    /// <param name="laps">The race's laps.</param>
    /// <param name="totalLaps">Race distance.</param>
    /// <param name="circuit">The circuit, for <paramref name="priors"/>.</param>
    /// <param name="priors">Stops in earlier seasons (none: the prior features are −1).</param>
    public static IEnumerable<PitExample> FromRace(IReadOnlyList<LapCompleted> laps, int totalLaps, string? circuit = null, PitPriors? priors = null)
    {
        var inLapsByLap = laps.Where(l => l.PitIn).GroupBy(l => l.LapNumber).ToDictionary(g => g.Key, g => g.Count());
        var byCar = laps.GroupBy(l => l.Car).ToDictionary(g => g.Key, g => g.OrderBy(l => l.LapNumber).ToList());
        var byLapPosition = laps.Where(l => l.Position is not null).GroupBy(l => (l.LapNumber, l.Position!.Value)).ToDictionary(g => g.Key, g => g.First());
        var inLaps = laps.Where(l => l.PitIn).Select(l => (l.Car, l.LapNumber)).ToHashSet();

        // Stints completed by each car, by the lap they ended on: (ended on lap, compound, length).
        var completed = new List<(int EndedOn, TyreCompound Compound, int Length, Domain.Identity.CarId Car)>();
        foreach (var (car, carLaps) in byCar)
        {
            foreach (var stint in carLaps.Where(l => l.Stint is not null).GroupBy(l => l.Stint))
            {
                var last = stint.MaxBy(l => l.LapNumber)!;
                if (last.PitIn)
                {
                    completed.Add((last.LapNumber, last.Compound, last.TyreAge ?? stint.Count(), car));
                }
            }
        }

        foreach (var (car, carLaps) in byCar)
        {
            var stops = 0;
            var compounds = new HashSet<TyreCompound>();
            for (var i = 0; i + 1 < carLaps.Count; i++)
            {
                var lap = carLaps[i];
                var next = carLaps[i + 1];
                if (lap.PitIn)
                {
                    stops++;
                }

                if (lap.Compound != TyreCompound.Unknown)
                {
                    compounds.Add(lap.Compound);
                }

                if (next.LapNumber != lap.LapNumber + 1 || lap.PitIn)
                {
                    continue;
                }

                var n = lap.LapNumber;
                var field = completed.Where(s => s.EndedOn <= n && s.Car != car && s.Compound == lap.Compound).Select(s => s.Length).ToList();
                var stintClean = carLaps.Take(i + 1).Where(l => l.Stint == lap.Stint && NextLapDataset.IsClean(l)).Select(l => l.LapTime!.Value).ToList();
                var behind = lap.Position is { } p && byLapPosition.TryGetValue((n, p + 1), out var follower) && follower.IntervalToAhead is { IsLapped: false } gap ? gap.Seconds : 60;
                yield return new PitExample
                {
                    TyreAge = lap.TyreAge ?? 0,
                    Compound = (float)lap.Compound,
                    Stint = lap.Stint ?? 1,
                    StopsMade = stops,
                    NeedsSecondCompound = compounds.Count(c => c.IsDry()) < 2 && lap.Compound.IsDry() ? 1 : 0,
                    RaceFraction = (float)n / totalLaps,
                    LapsRemaining = totalLaps - n,
                    Position = lap.Position ?? 0,
                    IntervalAhead = (float)Math.Min(60, lap.IntervalToAhead is { IsLapped: false } ahead ? ahead.Seconds : 60),
                    IntervalBehind = (float)Math.Min(60, behind),
                    LastLapStatus = (float)lap.TrackStatus,
                    FieldStopsLastThreeLaps = inLapsByLap.GetValueOrDefault(n - 1) + inLapsByLap.GetValueOrDefault(n - 2) + inLapsByLap.GetValueOrDefault(n - 3),
                    FieldStintLength = field.Count > 0 ? (float)field.Average() : 0,
                    PaceDrop = stintClean.Count >= 6 ? (float)(stintClean.TakeLast(3).Average() - stintClean.Take(3).Average()) : 0,
                    AgeOverFieldStint = field.Count > 0 ? (float)((lap.TyreAge ?? 0) / field.Average()) : 0,
                    AheadPitted = NeighbourPitted(byLapPosition, inLaps, n, i > 0 ? carLaps[i - 1].Position : null, -1),
                    BehindPitted = NeighbourPitted(byLapPosition, inLaps, n, i > 0 ? carLaps[i - 1].Position : null, +1),
                    FieldStopsThisLap = inLapsByLap.GetValueOrDefault(n),
                    CircuitStopRate = priors?.RateNear(circuit, n + 1, totalLaps) ?? -1,
                    StopRate = priors?.RateNear(circuit, n + 1, totalLaps, allCircuits: true) ?? -1,
                    Label = next.PitIn,
                };
            }
        }
    }

    /// <summary>Whether the car next to a position at the end of the lap before came in at the end of lap <paramref name="lap"/>.</summary>
    private static float NeighbourPitted(Dictionary<(int, int), LapCompleted> byLapPosition, HashSet<(Domain.Identity.CarId, int)> inLaps, int lap, int? position, int offset)
    {
        if (position is not { } p || !byLapPosition.TryGetValue((lap - 1, p + offset), out var neighbour))
        {
            return 0;
        }

        return inLaps.Contains((neighbour.Car, lap)) ? 1 : 0;
    }
}
