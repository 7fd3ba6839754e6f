using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Models.Live;

namespace StratX.Models.Overtake;

/// <summary>
/// Overtake examples from a race's laps: each car at the end of each lap N against the car directly ahead
/// of it then. Causal: features use both cars' laps up to N and the field's laps up to N. Labelled for each
/// horizon k only where both cars then ran laps N + 1 … N + k with no in-lap or out-lap among them (a place
/// won in the pits or by a retirement is not an overtake) and neither came in at the end of lap N.
/// </summary>
public static class OvertakeDataset
{
    public const int MaxHorizon = 3;

    private const int PaceLaps = 3;

    public static IEnumerable<OvertakeExample> FromRace(IReadOnlyList<LapCompleted> laps, int totalLaps)
    {
        var race = RaceLaps.Of(laps, totalLaps);
        foreach (var car in race.Cars)
        {
            var carLaps = race.LapsOf(car);
            for (var i = 0; i < carLaps.Count; i++)
            {
                if (Build(race, carLaps, i) is not { } example)
                {
                    continue;
                }

                var ahead = new CarId(example.Ahead);
                for (var k = 1; k <= MaxHorizon; k++)
                {
                    if (Outcome(race, car, ahead, example.Lap, k) is { } label)
                    {
                        yield return example.For(k, label);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The example at the end of the car's latest lap for <paramref name="horizon"/> laps ahead (label false: not
    /// known yet); null when the car leads, has no car ahead on that lap or no interval to it.
    /// </summary>
    public static OvertakeExample? ForLatest(RaceLaps race, CarId car, int horizon = MaxHorizon)
    {
        var laps = race.LapsOf(car);
        return laps.Count == 0 ? null : Build(race, laps, laps.Count - 1)?.For(horizon, false);
    }

    /// <summary>
    /// Whether <paramref name="car"/> is ahead of <paramref name="ahead"/> at the end of lap
    /// <paramref name="lap"/> + <paramref name="horizon"/>; null when that is not a clean comparison (either car
    /// pitted on lap N or in the laps after, or did not run them, or a position is missing).
    /// </summary>
    public static bool? Outcome(RaceLaps race, CarId car, CarId ahead, int lap, int horizon)
    {
        if (race.IsInLap(car, lap) || race.IsInLap(ahead, lap))
        {
            return null;
        }

        LapCompleted? mine = null, theirs = null;
        for (var j = lap + 1; j <= lap + horizon; j++)
        {
            mine = race.LapOf(car, j);
            theirs = race.LapOf(ahead, j);
            if (mine is null || theirs is null || mine.PitIn || mine.PitOut || theirs.PitIn || theirs.PitOut)
            {
                return null;
            }
        }

        return mine?.Position is { } p && theirs?.Position is { } q ? p < q : null;
    }

    private static OvertakeExample? Build(RaceLaps race, IReadOnlyList<LapCompleted> carLaps, int i)
    {
        var lap = carLaps[i];
        var n = lap.LapNumber;
        if (lap.Position is not (> 1 and var position) || lap.IntervalToAhead is not { IsLapped: false } interval
            || race.At(n, position - 1) is not { } aheadLap || aheadLap.Car == lap.Car)
        {
            return null;
        }

        var car = lap.Car;
        var ahead = aheadLap.Car;
        var aheadLaps = race.LapsOf(ahead);
        var aheadIndex = RaceLaps.IndexOf(aheadLaps, n);
        var pace = RecentPace(carLaps, i);
        var aheadPace = RecentPace(aheadLaps, aheadIndex);
        var field = race.FieldMedian(n - 1);
        var previous = i > 0 && carLaps[i - 1].LapNumber == n - 1 ? carLaps[i - 1] : null;
        var aheadPrevious = race.LapOf(ahead, n - 1);
        var aheadAhead = aheadLap.Position is > 1 and var aheadPosition ? race.At(n, aheadPosition - 1) : null;
        var behind = race.At(n, position + 1);
        var lastNeutralised = int.MinValue / 2;
        var stops = 0;
        for (var j = 0; j <= i; j++)
        {
            if (carLaps[j].TrackStatus is not TrackStatus.Green and not TrackStatus.Unknown)
            {
                lastNeutralised = carLaps[j].LapNumber;
            }

            stops += carLaps[j].PitIn ? 1 : 0;
        }

        var aheadStops = 0;
        for (var j = 0; j <= aheadIndex; j++)
        {
            aheadStops += aheadLaps[j].PitIn ? 1 : 0;
        }

        var gap = Gap(race, car, ahead, n) ?? interval.Seconds;
        var gapBefore = Gap(race, car, ahead, n - 1);
        var gapThreeBefore = Gap(race, car, ahead, n - 3);
        var tyreAge = lap.TyreAge ?? 0;
        var aheadTyreAge = aheadLap.TyreAge ?? 0;
        return new OvertakeExample
        {
            Interval = (float)Math.Min(60, interval.Seconds),
            InDrsRange = interval.Seconds < 1 ? 1 : 0,
            ClosingLastLap = gapBefore is { } b ? (float)Math.Clamp(b - gap, -10, 10) : 0,
            ClosingPerLap = gapThreeBefore is { } b3 ? (float)Math.Clamp((b3 - gap) / 3, -10, 10) : 0,
            PaceDifference = pace is { } mine && aheadPace is { } theirs ? (float)Math.Clamp(mine - theirs, -10, 10) : 0,
            LastLapDifference = lap.LapTime is { } t && aheadLap.LapTime is { } u ? (float)Math.Clamp(t - u, -20, 20) : 0,
            TyreAge = tyreAge,
            AheadTyreAge = aheadTyreAge,
            TyreAgeDifference = aheadTyreAge - tyreAge,
            Compound = (float)lap.Compound,
            AheadCompound = (float)aheadLap.Compound,
            LapsInStint = LapsInStint(carLaps, i),
            AheadLapsInStint = aheadIndex >= 0 ? LapsInStint(aheadLaps, aheadIndex) : 0,
            StopsDifference = stops - aheadStops,
            Position = position,
            LapNumber = n,
            LapsRemaining = race.TotalLaps - n,
            LastLapStatus = (float)lap.TrackStatus,
            LapsSinceNeutralised = Math.Min(10, n - lastNeutralised),
            AheadInterval = aheadLap.IntervalToAhead is { IsLapped: false } aheadInterval ? (float)Math.Min(60, aheadInterval.Seconds) : 60,
            AheadClosingLastLap = aheadAhead is not null && Gap(race, ahead, aheadAhead.Car, n - 1) is { } ab && Gap(race, ahead, aheadAhead.Car, n) is { } an
                ? (float)Math.Clamp(ab - an, -10, 10)
                : 0,
            BehindInterval = behind?.IntervalToAhead is { IsLapped: false } behindInterval ? (float)Math.Min(60, behindInterval.Seconds) : 60,
            PositionsGainedLastLap = previous?.Position is { } before ? before - position : 0,
            WasAheadLastLap = previous?.Position is { } mineBefore && aheadPrevious?.Position is { } theirsBefore && mineBefore < theirsBefore ? 1 : 0,
            PaceToField = pace is { } p && field is { } f ? (float)Math.Clamp(p - f, -10, 10) : 0,
            Car = car.Value,
            Ahead = ahead.Value,
            Lap = n,
        };
    }

    /// <summary>Seconds <paramref name="car"/> crossed the line after <paramref name="ahead"/> at the end of lap <paramref name="lap"/>.</summary>
    private static double? Gap(RaceLaps race, CarId car, CarId ahead, int lap) =>
        race.LapOf(car, lap) is { } mine && race.LapOf(ahead, lap) is { } theirs ? (mine.OccurredAt - theirs.OccurredAt).TotalSeconds : null;

    /// <summary>Mean of the car's last clean laps up to lap index <paramref name="i"/>; null when it has none.</summary>
    private static double? RecentPace(IReadOnlyList<LapCompleted> laps, int i)
    {
        double sum = 0;
        var count = 0;
        for (var j = i; j >= 0 && count < PaceLaps; j--)
        {
            if (RaceLaps.IsClean(laps[j]))
            {
                sum += laps[j].LapTime!.Value;
                count++;
            }
        }

        return count == 0 ? null : sum / count;
    }

    private static int LapsInStint(IReadOnlyList<LapCompleted> laps, int i)
    {
        var count = 0;
        for (var j = i; j >= 0 && laps[j].Stint == laps[i].Stint; j--)
        {
            count++;
        }

        return count;
    }
}
