using StratX.Domain.Events;
using StratX.Domain.Racing;

namespace StratX.Models.NextLap;

/// <summary>
/// Turns a race's laps into next-lap examples. Causal: an example built at the end of lap n uses the car's
/// laps up to n and the field's laps up to n − 1; nothing about the race's future.
/// </summary>
public static class NextLapDataset
{
    private const int FieldWindow = 3;

    public static IEnumerable<NextLapExample> FromRace(IReadOnlyList<LapCompleted> laps, int totalLaps)
    {
        var fieldByLap = laps.Where(IsClean).GroupBy(l => l.LapNumber).ToDictionary(g => g.Key, g => Median([.. g.Select(l => l.LapTime!.Value)]));
        foreach (var car in laps.GroupBy(l => l.Car))
        {
            var ordered = car.OrderBy(l => l.LapNumber).ToList();
            var clean = new List<LapCompleted>();
            var lastNeutralised = int.MinValue / 2;
            for (var i = 0; i < ordered.Count; i++)
            {
                var lap = ordered[i];
                if (lap.TrackStatus is not TrackStatus.Green and not TrackStatus.Unknown)
                {
                    lastNeutralised = lap.LapNumber;
                }

                if (IsClean(lap))
                {
                    clean.Add(lap);
                }

                if (lap.LapTime is not { } last)
                {
                    continue;
                }

                var recent = clean.TakeLast(3).Select(l => l.LapTime!.Value).ToList();
                var reference = recent.Count > 0 ? recent.Average() : last;
                var stint = clean.Where(l => l.Stint == lap.Stint).Select(l => l.LapTime!.Value).ToList();
                var field = FieldPace(fieldByLap, lap.LapNumber - 1);
                var fieldBefore = FieldPace(fieldByLap, lap.LapNumber - 1 - FieldWindow);
                var next = i + 1 < ordered.Count && ordered[i + 1].LapNumber == lap.LapNumber + 1 ? ordered[i + 1] : null;
                var example = new NextLapExample
                {
                    Reference = (float)reference,
                    LastLapDelta = (float)(last - reference),
                    StintTrend = stint.Count > 0 ? (float)(reference - Median(stint)) : 0,
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
                    FieldTrend = field is { } now && fieldBefore is { } before ? (float)((now - before) / FieldWindow) : 0,
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

                yield return example;
            }
        }
    }

    /// <summary>A lap that shows the car's pace: timed, green, not an in or out lap, not the standing start.</summary>
    public static bool IsClean(LapCompleted lap) =>
        lap is { LapTime: not null, PitIn: false, PitOut: false, TrackStatus: TrackStatus.Green } && lap.LapNumber > 1;

    private static double? FieldPace(Dictionary<int, double> fieldByLap, int upToLap)
    {
        var values = new List<double>(FieldWindow);
        for (var lap = upToLap; lap > upToLap - FieldWindow && lap > 0; lap--)
        {
            if (fieldByLap.TryGetValue(lap, out var pace))
            {
                values.Add(pace);
            }
        }

        return values.Count == 0 ? null : values.Average();
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
