using System.Globalization;
using StratX.Domain.Events;
using StratX.Domain.Laps;
using StratX.Domain.Racing;
using StratX.Models.NextLap;

namespace StratX.Models.Anomaly;

/// <summary>
/// One lap judged against the car's own recent clean laps. <see cref="Score"/> is a robust z-score (lap
/// time minus the median of the reference laps, over 1.4826 × their MAD, at least <see cref="LapAnomalyDetector.NoiseFloor"/>).
/// <see cref="Explained"/> says why a slow lap is not an anomaly (traffic, track status, in/out lap, the start).
/// </summary>
public sealed record LapAnomaly(int LapNumber, double Score, double SecondsOff, bool Flag, bool Explained, string Reason, AnomalySignals Signals = AnomalySignals.None);

/// <summary>Which of the rules found the lap out of line (several may).</summary>
[Flags]
public enum AnomalySignals
{
    None = 0,
    LapTime = 1,
    SpeedTrap = 2,
    Throttle = 4,
    Brakes = 8,
    TopSpeed = 16,
}

/// <summary>
/// A lap out of line with the car's own recent behaviour: a slow lap that traffic, the track status (or
/// the restart after a neutralisation), a pit stop, the start or the whole field slowing do not explain, or (when present) a speed-trap drop or a changed throttle/brake pattern.
/// Rules and robust statistics, no training; thresholds in docs/MODELS.md.
/// </summary>
public static class LapAnomalyDetector
{
    public const double ScoreThreshold = 5.0;

    /// <summary>And at least this many seconds slower than the reference (a 0.3 s lap is never an alarm).</summary>
    public const double MinimumSecondsOff = 1.5;

    public const double TrafficSeconds = 1.5;
    public const double NoiseFloor = 0.2;
    public const double SpeedTrapDrop = 8;

    /// <summary>A speed drop counts only with at least this much time lost on the lap (seconds) …</summary>
    public const double SpeedDropLapLoss = 0.5;

    /// <summary>… or with DRS open at least this share of the car's recent laps' DRS time (so the drop is not DRS). A changed brake count needs the time lost alone.</summary>
    public const double DrsKept = 0.75;
    public const double ThrottleShareDrop = 0.08;
    public const int ReferenceLaps = 5;
    public const int MinimumReferenceLaps = 3;

    /// <summary>The field counts as slow too when the cars that ran the lap earlier lost at least this share of this car's loss (and a second).</summary>
    public const double FieldShare = 0.4;

    /// <summary>
    /// Judges the car's latest lap from its laps so far (one car, any order); null with no lap. With
    /// <paramref name="fieldLaps"/> (the other cars' laps so far), a lap that the cars which crossed the line
    /// before it also lost time on (rain, an unreported yellow) is explained, not flagged.
    /// </summary>
    public static LapAnomaly? Latest(IReadOnlyList<LapCompleted> carLaps, IReadOnlyDictionary<int, LapTelemetrySummary>? telemetry = null, IReadOnlyList<LapCompleted>? fieldLaps = null)
    {
        ArgumentNullException.ThrowIfNull(carLaps);
        var ordered = carLaps.OrderBy(l => l.LapNumber).ToList();
        if (ordered.Count == 0)
        {
            return null;
        }

        // The field is grouped only for a slow lap that nothing else explains (rare), not on every call.
        var field = fieldLaps is null ? null : new Lazy<List<List<LapCompleted>>>(() => [.. fieldLaps.Where(l => l.Car != ordered[0].Car).GroupBy(l => l.Car).Select(g => g.OrderBy(l => l.LapNumber).ToList())]);
        return Judge(ordered, ordered.Count - 1, telemetry, field);
    }

    /// <summary>Every lap of every car of a race judged as it would have been live (each from what had happened before it crossed the line).</summary>
    public static List<(LapCompleted Lap, LapAnomaly Anomaly)> Race(IReadOnlyList<LapCompleted> raceLaps)
    {
        var cars = raceLaps.GroupBy(l => l.Car).Select(g => g.OrderBy(l => l.LapNumber).ToList()).ToList();
        var judged = new List<(LapCompleted, LapAnomaly)>();
        foreach (var car in cars)
        {
            var others = new Lazy<List<List<LapCompleted>>>(cars.Where(c => c[0].Car != car[0].Car).ToList());
            judged.AddRange(car.Select((lap, i) => (lap, Judge(car, i, null, others))));
        }

        return judged;
    }

    /// <summary>Time lost on a lap against the car's own recent clean laps; null without enough of them.</summary>
    private static (double Off, double Median, double Noise, int Laps)? Offset(List<LapCompleted> ordered, int index)
    {
        if (ordered[index].LapTime is not { } time)
        {
            return null;
        }

        var times = ordered.Take(index).Where(NextLapDataset.IsClean).TakeLast(ReferenceLaps).Select(l => l.LapTime!.Value).ToList();
        if (times.Count < MinimumReferenceLaps)
        {
            return null;
        }

        var median = Median(times);
        var noise = Math.Max(NoiseFloor, 1.4826 * Median([.. times.Select(t => Math.Abs(t - median))]));
        return (time - median, median, noise, times.Count);
    }

    /// <summary>The median loss on the same lap of the other cars that crossed the line before this one (at least two), if any.</summary>
    private static double? FieldLoss(LapCompleted lap, Lazy<List<List<LapCompleted>>>? field)
    {
        if (field is null)
        {
            return null;
        }

        var losses = new List<double>();
        foreach (var car in field.Value)
        {
            var i = car.FindIndex(l => l.LapNumber == lap.LapNumber);
            if (i >= 0 && car[i].OccurredAt < lap.OccurredAt && Offset(car, i) is { } o)
            {
                losses.Add(o.Off);
            }
        }

        return losses.Count >= 2 ? Median(losses) : null;
    }

    private static LapAnomaly Judge(List<LapCompleted> ordered, int index, IReadOnlyDictionary<int, LapTelemetrySummary>? telemetry, Lazy<List<List<LapCompleted>>>? field)
    {
        var lap = ordered[index];
        var reference = ordered.Take(index).Where(NextLapDataset.IsClean).TakeLast(ReferenceLaps).ToList();
        var explanation = Explain(lap, index > 0 ? ordered[index - 1] : null);
        var reasons = new List<string>();
        var signals = AnomalySignals.None;
        double score = 0, off = 0;
        if (Offset(ordered, index) is { } o)
        {
            off = o.Off;
            score = off / o.Noise;
            if (score >= ScoreThreshold && off >= MinimumSecondsOff)
            {
                signals |= AnomalySignals.LapTime;
                reasons.Add(Text($"lap {lap.LapTime:0.000} s is {off:0.00} s off the car's last {o.Laps} clean laps (median {o.Median:0.000} s, spread {o.Noise:0.00} s)"));
                if (explanation is null && FieldLoss(lap, field) is { } fieldLoss && fieldLoss >= Math.Max(MinimumSecondsOff, FieldShare * off))
                {
                    explanation = Text($"the cars ahead on the road lost {fieldLoss:0.0} s on this lap too");
                }
            }
        }

        // The lap's own car data and its reference laps', when enough of them have it.
        LapTelemetrySummary? now = null;
        var recent = new List<LapTelemetrySummary>();
        if (telemetry is not null && telemetry.TryGetValue(lap.LapNumber, out now))
        {
            recent = [.. reference.Where(l => telemetry.ContainsKey(l.LapNumber)).Select(l => telemetry[l.LapNumber])];
        }

        if (recent.Count < MinimumReferenceLaps)
        {
            now = null;
        }

        // A straight-line speed drop with the lap still at pace is most often the car without DRS or a tow this time
        // (it lost the car ahead, or passed it); it counts when time went with it, or when the car's own telemetry
        // shows DRS open as much as on its recent laps (then the power or the drag changed, not the racing).
        var speedDropCounts = off >= SpeedDropLapLoss
            || (now is not null && now.DrsOpenShare >= DrsKept * Median([.. recent.Select(t => t.DrsOpenShare)]));
        var speedDropsAtPace = new List<string>();
        string? brakesAtPace = null;
        if (lap.SpeedTrap is { } trap && reference.Where(l => l.SpeedTrap is not null).Select(l => l.SpeedTrap!.Value).ToList() is { Count: >= MinimumReferenceLaps } traps
            && Median(traps) - trap >= SpeedTrapDrop)
        {
            var text = Text($"speed trap {trap:0} km/h, {Median(traps) - trap:0} below its recent {Median(traps):0}");
            if (speedDropCounts)
            {
                signals |= AnomalySignals.SpeedTrap;
                reasons.Add(text);
                score = Math.Max(score, ScoreThreshold);
            }
            else
            {
                speedDropsAtPace.Add(text);
            }
        }

        if (now is not null)
        {
            var throttle = Median([.. recent.Select(t => t.FullThrottleShare)]);
            var brakes = Median([.. recent.Select(t => (double)t.BrakeApplications)]);
            var speed = Median([.. recent.Select(t => t.MaxSpeed)]);
            if (throttle - now.FullThrottleShare >= ThrottleShareDrop)
            {
                signals |= AnomalySignals.Throttle;
                reasons.Add(Text($"full throttle {now.FullThrottleShare:P0} of the lap against {throttle:P0}"));
            }

            // Braking more or less often on a lap run at pace is racing (following, defending, lifting and coasting)
            // or a tap the car data's ~4 Hz samples caught or missed; with time lost it is the car's.
            if (Math.Abs(now.BrakeApplications - brakes) >= Math.Max(3, 0.3 * brakes))
            {
                var text = Text($"{now.BrakeApplications} brake applications against {brakes:0}");
                if (off >= SpeedDropLapLoss)
                {
                    signals |= AnomalySignals.Brakes;
                    reasons.Add(text);
                }
                else
                {
                    brakesAtPace = text;
                }
            }

            if (speed - now.MaxSpeed >= SpeedTrapDrop)
            {
                var text = Text($"top speed {now.MaxSpeed:0} km/h against {speed:0}");
                if (speedDropCounts)
                {
                    signals |= AnomalySignals.TopSpeed;
                    reasons.Add(text);
                }
                else
                {
                    speedDropsAtPace.Add(text);
                }
            }

            if (reasons.Count > 0)
            {
                score = Math.Max(score, ScoreThreshold);
            }
        }

        var flag = reasons.Count > 0 && explanation is null;
        var reason = reasons.Count == 0
            ? reference.Count < MinimumReferenceLaps ? "too few clean laps before it to judge"
            : speedDropsAtPace.Count > 0 || brakesAtPace is not null ? $"in line with the car's recent laps ({string.Join("; ", AtPace(speedDropsAtPace, brakesAtPace, now is not null))})"
            : "in line with the car's recent laps"
            : explanation is not null ? $"{string.Join("; ", reasons)} — explained: {explanation}" : string.Join("; ", reasons);
        return new LapAnomaly(lap.LapNumber, Math.Round(score, 2), Math.Round(off, 3), flag, explanation is not null, reason, signals);
    }

    /// <summary>What changed on a lap run at pace, and why that is the racing rather than the car.</summary>
    private static IEnumerable<string> AtPace(List<string> speedDrops, string? brakes, bool withCarData)
    {
        if (speedDrops.Count > 0)
        {
            yield return $"{string.Join("; ", speedDrops)}, with no time lost{(withCarData ? " and less DRS" : "")}: DRS or tow";
        }

        if (brakes is not null)
        {
            yield return $"{brakes}, with no time lost: traffic or a fight";
        }
    }

    /// <summary>Why a slow lap is expected, or null.</summary>
    private static string? Explain(LapCompleted lap, LapCompleted? previous) =>
        lap.LapNumber <= 1 ? "the start"
        : lap.PitIn ? "in-lap"
        : lap.PitOut ? "out-lap"
        : lap.TrackStatus is not TrackStatus.Green and not TrackStatus.Unknown ? $"track status {lap.TrackStatus}"
        : previous is not null && previous.TrackStatus.IsNeutralised() ? "restart after a neutralisation"
        : previous?.GapToLeader is { } before && lap.GapToLeader is { } after && after.Laps > before.Laps ? "being lapped (blue flags)"
        : lap.IntervalToAhead is { IsLapped: false } gap && gap.Seconds < TrafficSeconds ? Text($"in traffic, {gap.Seconds:0.0} s behind the car ahead")
        : null;

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
