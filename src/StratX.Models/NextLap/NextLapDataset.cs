using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Models.Live;

namespace StratX.Models.NextLap;

/// <summary>
/// Turns a race's laps into next-lap examples. Causal: an example built at the end of lap n uses the car's
/// laps up to n and the field's laps up to n − 1; nothing about the race's future. Training
/// (<see cref="FromRace"/>) and live scoring (<see cref="ForLatest"/>) share one builder.
/// </summary>
public static class NextLapDataset
{
    private const int FieldWindow = 3;

    public static IEnumerable<NextLapExample> FromRace(IReadOnlyList<LapCompleted> laps, int totalLaps)
    {
        var race = RaceLaps.Of(laps, totalLaps);
        foreach (var car in race.Cars)
        {
            var ordered = race.LapsOf(car);
            for (var i = 0; i < ordered.Count; i++)
            {
                if (Build(race, ordered, i) is { } example)
                {
                    yield return example;
                }
            }
        }
    }

    /// <summary>The example at the end of the car's latest lap (no label yet); null when it has no timed lap.</summary>
    public static NextLapExample? ForLatest(RaceLaps race, CarId car)
    {
        var laps = race.LapsOf(car);
        return laps.Count == 0 ? null : Build(race, laps, laps.Count - 1);
    }

    /// <summary>A lap that shows the car's pace: timed, green, not an in or out lap, not the standing start.</summary>
    public static bool IsClean(LapCompleted lap) => RaceLaps.IsClean(lap);

    /// <summary>The example at the end of the car's lap <paramref name="i"/>, labelled when the next lap is known; null for an untimed lap.</summary>
    private static NextLapExample? Build(RaceLaps race, IReadOnlyList<LapCompleted> ordered, int i)
    {
        var lap = ordered[i];
        if (lap.LapTime is not { } last)
        {
            return null;
        }

        var lastNeutralised = int.MinValue / 2;
        var recent = new List<double>(3);
        var stint = new List<double>();
        for (var j = 0; j <= i; j++)
        {
            var before = ordered[j];
            if (before.TrackStatus is not TrackStatus.Green and not TrackStatus.Unknown)
            {
                lastNeutralised = before.LapNumber;
            }

            if (IsClean(before) && before.Stint == lap.Stint)
            {
                stint.Add(before.LapTime!.Value);
            }
        }

        for (var j = i; j >= 0 && recent.Count < 3; j--)
        {
            if (IsClean(ordered[j]))
            {
                recent.Insert(0, ordered[j].LapTime!.Value);
            }
        }

        var reference = recent.Count > 0 ? recent.Average() : last;
        var field = FieldPace(race, lap.LapNumber - 1);
        var fieldBefore = FieldPace(race, lap.LapNumber - 1 - FieldWindow);
        var next = i + 1 < ordered.Count && ordered[i + 1].LapNumber == lap.LapNumber + 1 ? ordered[i + 1] : null;
        var totalLaps = race.TotalLaps;
        var example = new NextLapExample
        {
            Reference = (float)reference,
            LastLapDelta = (float)(last - reference),
            StintTrend = stint.Count > 0 ? (float)(reference - RaceLaps.Median(stint)) : 0,
            TyreAge = (lap.TyreAge ?? 0) + 1,
            Compound = (float)lap.Compound,
            Stint = lap.Stint ?? 1,
            RaceFraction = (float)lap.LapNumber / totalLaps,
            LapsRemaining = totalLaps - lap.LapNumber,
            Position = lap.Position ?? 0,
            IntervalAhead = (float)Math.Min(60, lap.IntervalToAhead is { IsLapped: false } gap ? gap.Seconds : 60),
            GapToLeader = (float)Math.Min(200, lap.GapToLeader is { IsLapped: false } leader ? leader.Seconds : 200),
            LastLapClean = IsClean(lap) ? 1 : 0,
            LastLapPitOut = lap.PitOut ? 1 : 0,
            DeltaToField = field is { } f ? (float)(reference - f) : 0,
            FieldTrend = field is { } now && fieldBefore is { } earlier ? (float)((now - earlier) / FieldWindow) : 0,
            PreviousLapDelta = i > 0 && ordered[i - 1].LapTime is { } previous ? (float)(previous - reference) : 0,
            LastLapStatus = (float)lap.TrackStatus,
            LapsSinceNeutralised = Math.Min(10, lap.LapNumber - lastNeutralised),
            CleanLapsInStint = stint.Count,
            Closing = i > 0 && ordered[i - 1].IntervalToAhead is { IsLapped: false } gapBefore && lap.IntervalToAhead is { IsLapped: false } gapAfter && ordered[i - 1].Position == lap.Position
                ? (float)Math.Clamp(gapBefore.Seconds - gapAfter.Seconds, -5, 5)
                : 0,
            NaiveLast = last,
            NaiveHybrid = IsClean(lap) ? last : reference,
        };

        if (next?.LapTime is { } nextTime)
        {
            example.NextLapTime = nextTime;
            example.Label = (float)(nextTime - reference);
            example.Evaluable = next is { PitIn: false, PitOut: false, TrackStatus: TrackStatus.Green };
        }

        return example;
    }

    private static double? FieldPace(RaceLaps race, int upToLap)
    {
        var values = new List<double>(FieldWindow);
        for (var lap = upToLap; lap > upToLap - FieldWindow && lap > 0; lap--)
        {
            if (race.FieldMedian(lap) is { } pace)
            {
                values.Add(pace);
            }
        }

        return values.Count == 0 ? null : values.Average();
    }
}
