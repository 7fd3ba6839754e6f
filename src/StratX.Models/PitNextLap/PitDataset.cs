using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Models.Live;

namespace StratX.Models.PitNextLap;

/// <summary>
/// Pit examples from a race's laps. Causal: at the end of lap n a car's features use its laps up to n and
/// the field's laps up to n; the label is whether its lap n + 1 ended in the pit lane. Training
/// (<see cref="FromRace"/>) and live scoring (<see cref="ForLatest"/>) share one builder.
/// </summary>
public static class PitDataset
{
    /// <summary>A typical green-flag pit loss (s): cars closer behind than this get by during a stop.</summary>
    private const double PitLoss = 22;

    /// <param name="laps">The race's laps.</param>
    /// <param name="totalLaps">Race distance.</param>
    /// <param name="circuit">The circuit, for <paramref name="priors"/>.</param>
    /// <param name="priors">Stops in earlier seasons (none: the prior features are −1).</param>
    /// <param name="teams">Each car's team from the entry list (none: the team-mate features say "no team-mate").</param>
    public static IEnumerable<PitExample> FromRace(IReadOnlyList<LapCompleted> laps, int totalLaps, string? circuit = null, PitPriors? priors = null, IReadOnlyDictionary<CarId, string>? teams = null)
    {
        var race = RaceLaps.Of(laps, totalLaps, circuit, teams);
        foreach (var car in race.Cars)
        {
            var carLaps = race.LapsOf(car);
            for (var i = 0; i + 1 < carLaps.Count; i++)
            {
                // Only where the next lap was run, so the label is known.
                if (carLaps[i + 1].LapNumber == carLaps[i].LapNumber + 1 && Build(race, car, carLaps, i, priors) is { } example)
                {
                    example.Label = carLaps[i + 1].PitIn;
                    yield return example;
                }
            }
        }
    }

    /// <summary>
    /// The example at the end of the car's latest lap (label false: not known yet); null when it has no lap or
    /// the latest was an in-lap (the car is in the pits, its next lap is an out-lap).
    /// </summary>
    public static PitExample? ForLatest(RaceLaps race, CarId car, PitPriors? priors)
    {
        var laps = race.LapsOf(car);
        return laps.Count == 0 ? null : Build(race, car, laps, laps.Count - 1, priors);
    }

    private static PitExample? Build(RaceLaps race, CarId car, IReadOnlyList<LapCompleted> carLaps, int i, PitPriors? priors)
    {
        var lap = carLaps[i];
        if (lap.PitIn)
        {
            return null;
        }

        var stops = 0;
        var compounds = new HashSet<TyreCompound>();
        var stintClean = new List<double>();
        for (var j = 0; j <= i; j++)
        {
            var before = carLaps[j];
            if (before.PitIn)
            {
                stops++;
            }

            if (before.Compound != TyreCompound.Unknown)
            {
                compounds.Add(before.Compound);
            }

            if (before.Stint == lap.Stint && RaceLaps.IsClean(before))
            {
                stintClean.Add(before.LapTime!.Value);
            }
        }

        var n = lap.LapNumber;
        var totalLaps = race.TotalLaps;
        var (fieldSum, fieldCount) = race.CompletedStintLengths(n, lap.Compound, car);
        var fieldStint = fieldCount > 0 ? (double)fieldSum / fieldCount : 0;
        var behind = lap.Position is { } p && race.At(n, p + 1) is { IntervalToAhead: { IsLapped: false } gap } ? gap.Seconds : 60;
        var previousPosition = i > 0 ? carLaps[i - 1].Position : null;
        var stoppedMore = 0;
        var running = 0;
        var olderTyres = 0;
        var lastFieldStop = int.MinValue / 2;
        var withinPitLoss = 0;
        var nearbyStops = 0;
        var positionBefore = RaceLaps.IndexOf(carLaps, n - 3) is >= 0 and var b ? carLaps[b].Position : null;
        var mate = race.TeamMateOf(car);
        LapCompleted? mateLap = null;
        var mateStops = 0;
        var mateLastStop = int.MinValue / 2;
        Span<int> ages = stackalloc int[64];
        var aged = 0;
        var fieldStops = 0;
        var sameCompound = 0;
        var sameCompoundOlder = 0;
        foreach (var other in race.Cars)
        {
            var otherLaps = race.LapsOf(other);
            var upTo = RaceLaps.IndexOf(otherLaps, n);
            if (upTo < 0)
            {
                continue;
            }

            running++;
            var otherStops = 0;
            for (var j = 0; j <= upTo; j++)
            {
                if (otherLaps[j].PitIn)
                {
                    otherStops++;
                    lastFieldStop = Math.Max(lastFieldStop, otherLaps[j].LapNumber);
                }
            }

            if (other == car)
            {
                continue;
            }

            if (other == mate)
            {
                mateLap = otherLaps[upTo];
                mateStops = otherStops;
                for (var j = upTo; j >= 0; j--)
                {
                    if (otherLaps[j].PitIn)
                    {
                        mateLastStop = otherLaps[j].LapNumber;
                        break;
                    }
                }
            }

            if (aged < ages.Length && otherLaps[upTo].TyreAge is { } otherAge)
            {
                ages[aged++] = otherAge;
            }

            stoppedMore += otherStops > stops ? 1 : 0;
            fieldStops += otherStops;
            if (otherLaps[upTo].Compound == lap.Compound)
            {
                sameCompound++;
                sameCompoundOlder += otherLaps[upTo].TyreAge > (lap.TyreAge ?? 0) ? 1 : 0;
            }

            olderTyres += otherLaps[upTo].TyreAge > (lap.TyreAge ?? 0) ? 1 : 0;
            if (lap.GapToLeader is { IsLapped: false } mine && otherLaps[upTo].GapToLeader is { IsLapped: false } theirs && theirs.Seconds > mine.Seconds && theirs.Seconds - mine.Seconds <= PitLoss)
            {
                withinPitLoss++;
            }

            if (positionBefore is { } pb && RaceLaps.IndexOf(otherLaps, n - 3) is >= 0 and var ob && otherLaps[ob].Position is { } op && Math.Abs(op - pb) <= 3
                && (race.IsInLap(other, n) || race.IsInLap(other, n - 1) || race.IsInLap(other, n - 2)))
            {
                nearbyStops++;
            }
        }

        var previousStint = 0;
        var dryUsed = compounds.Count(c => c.IsDry());
        if (lap.Stint is { } current)
        {
            for (var j = i; j >= 0; j--)
            {
                if (carLaps[j].Stint == current - 1)
                {
                    previousStint = carLaps[j].TyreAge ?? 0;
                    break;
                }
            }
        }

        var age = lap.TyreAge ?? 0;
        var medianAge = Median(ages[..aged]);
        var mateGap = mateLap is { GapToLeader: { IsLapped: false } mateToLeader } && lap.GapToLeader is { IsLapped: false } meToLeader
            ? Math.Clamp(mateToLeader.Seconds - meToLeader.Seconds, -60, 60)
            : 99;
        var positionTwoBefore = i > 1 ? carLaps[i - 2].Position : null;
        return new PitExample
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
            FieldStopsLastThreeLaps = race.InLaps(n - 1) + race.InLaps(n - 2) + race.InLaps(n - 3),
            FieldStintLength = fieldCount > 0 ? (float)fieldStint : 0,
            PaceDrop = stintClean.Count >= 6 ? (float)(stintClean.TakeLast(3).Average() - stintClean.Take(3).Average()) : 0,
            AgeOverFieldStint = fieldCount > 0 ? (float)((lap.TyreAge ?? 0) / fieldStint) : 0,
            AheadPitted = NeighbourPitted(race, n, previousPosition, -1),
            BehindPitted = NeighbourPitted(race, n, previousPosition, +1),
            FieldStopsThisLap = race.InLaps(n),
            CircuitStopRate = priors?.RateNear(race.Circuit, n + 1, totalLaps) ?? -1,
            StopRate = priors?.RateNear(race.Circuit, n + 1, totalLaps, allCircuits: true) ?? -1,
            StintIfNoStop = (lap.TyreAge ?? 0) + totalLaps - n,
            ShareStoppedMore = running > 1 ? (float)stoppedMore / (running - 1) : 0,
            LapsSinceFieldStop = Math.Min(20, n - lastFieldStop),
            CarsWithinPitLoss = withinPitLoss,
            NearbyStopsLastThreeLaps = nearbyStops,
            PreviousStintLength = previousStint,
            DryCompoundsUnused = 3 - dryUsed,
            ShareOnOlderTyres = running > 1 ? (float)olderTyres / (running - 1) : 0,
            TeamMatePittedThisLap = mateLap is { PitIn: true } ? 1 : 0,
            TeamMateLapsSinceStop = mateLap is null ? 10 : Math.Min(10, n - mateLastStop),
            TeamMateStopsMore = mateLap is null ? 0 : mateStops - stops,
            TeamMateTyreAgeDiff = mateLap is { TyreAge: { } mateAge } ? mateAge - age : 0,
            TeamMateGap = (float)mateGap,
            AgeOverFieldMedianAge = aged > 0 ? (float)(age / Math.Max(1.0, medianAge)) : 0,
            AgeMinusFieldMedianAge = aged > 0 ? (float)(age - medianAge) : 0,
            AheadPittedLastLap = NeighbourPitted(race, n - 1, positionTwoBefore, -1),
            BehindPittedLastLap = NeighbourPitted(race, n - 1, positionTwoBefore, +1),
            FieldStopsPerCar = running > 1 ? (float)fieldStops / (running - 1) : 0,
            ShareOfCompoundOnOlderTyres = sameCompound > 0 ? (float)sameCompoundOlder / sameCompound : 0,
            FreeStopLapsLeft = withinPitLoss == 0 && lap.Position is not null ? Math.Min(30, totalLaps - n) : 30,
        };
    }

    /// <summary>Median of a few values (sorts them in place; 0 when there are none).</summary>
    private static double Median(Span<int> values)
    {
        if (values.Length == 0)
        {
            return 0;
        }

        values.Sort();
        var half = values.Length / 2;
        return values.Length % 2 == 1 ? values[half] : (values[half - 1] + values[half]) / 2.0;
    }

    /// <summary>Whether the car next to a position at the end of the lap before came in at the end of lap <paramref name="lap"/>.</summary>
    private static float NeighbourPitted(RaceLaps race, int lap, int? position, int offset) =>
        position is { } p && race.At(lap - 1, p + offset) is { } neighbour && race.IsInLap(neighbour.Car, lap) ? 1 : 0;
}
