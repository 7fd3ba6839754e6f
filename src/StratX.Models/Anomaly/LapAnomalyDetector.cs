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
public sealed record LapAnomaly(int LapNumber, double Score, double SecondsOff, bool Flag, bool Explained, string Reason);

/// <summary>
/// A lap out of line with the car's own recent behaviour: a slow lap that traffic, the track status, a pit
/// stop or the start do not explain, or (when present) a speed-trap drop or a changed throttle/brake pattern.
/// Rules and robust statistics, no training; thresholds in docs/MODELS.md.
/// </summary>
public static class LapAnomalyDetector
{
    public const double ScoreThreshold = 5.0;

    /// <summary>And at least this many seconds slower than the reference (a 0.3 s lap is never an alarm).</summary>
    public const double MinimumSecondsOff = 1.0;

    public const double TrafficSeconds = 1.5;
    public const double NoiseFloor = 0.2;
    public const double SpeedTrapDrop = 8;
    public const double ThrottleShareDrop = 0.08;
    public const int ReferenceLaps = 5;
    public const int MinimumReferenceLaps = 3;

    /// <summary>Judges the car's latest lap from its laps so far (one car, any order); null with no timed lap.</summary>
    public static LapAnomaly? Latest(IReadOnlyList<LapCompleted> carLaps, IReadOnlyDictionary<int, LapTelemetrySummary>? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(carLaps);
        var ordered = carLaps.OrderBy(l => l.LapNumber).ToList();
        return ordered.Count == 0 ? null : Judge(ordered, ordered.Count - 1, telemetry);
    }

    /// <summary>Every lap of one car judged as it would have been live (each from the laps before it only).</summary>
    public static List<LapAnomaly> All(IReadOnlyList<LapCompleted> carLaps, IReadOnlyDictionary<int, LapTelemetrySummary>? telemetry = null)
    {
        var ordered = carLaps.OrderBy(l => l.LapNumber).ToList();
        return [.. Enumerable.Range(0, ordered.Count).Select(i => Judge(ordered, i, telemetry))];
    }

    private static LapAnomaly Judge(List<LapCompleted> ordered, int index, IReadOnlyDictionary<int, LapTelemetrySummary>? telemetry)
    {
        var lap = ordered[index];
        var reference = ordered.Take(index).Where(NextLapDataset.IsClean).TakeLast(ReferenceLaps).ToList();
        var explanation = Explain(lap);
        var reasons = new List<string>();
        double score = 0, off = 0;
        if (lap.LapTime is { } time && reference.Count >= MinimumReferenceLaps)
        {
            var times = reference.Select(l => l.LapTime!.Value).ToList();
            var median = Median(times);
            var noise = Math.Max(NoiseFloor, 1.4826 * Median([.. times.Select(t => Math.Abs(t - median))]));
            off = time - median;
            score = off / noise;
            if (score >= ScoreThreshold && off >= MinimumSecondsOff)
            {
                reasons.Add(Text($"lap {time:0.000} s is {off:0.00} s off the car's last {times.Count} clean laps (median {median:0.000} s, spread {noise:0.00} s)"));
            }
        }

        if (lap.SpeedTrap is { } trap && reference.Where(l => l.SpeedTrap is not null).Select(l => l.SpeedTrap!.Value).ToList() is { Count: >= MinimumReferenceLaps } traps
            && Median(traps) - trap >= SpeedTrapDrop)
        {
            reasons.Add(Text($"speed trap {trap:0} km/h, {Median(traps) - trap:0} below its recent {Median(traps):0}"));
            score = Math.Max(score, ScoreThreshold);
        }

        if (telemetry is not null && telemetry.TryGetValue(lap.LapNumber, out var now)
            && reference.Where(l => telemetry.ContainsKey(l.LapNumber)).Select(l => telemetry[l.LapNumber]).ToList() is { Count: >= MinimumReferenceLaps } recent)
        {
            var throttle = Median([.. recent.Select(t => t.FullThrottleShare)]);
            var brakes = Median([.. recent.Select(t => (double)t.BrakeApplications)]);
            var speed = Median([.. recent.Select(t => t.MaxSpeed)]);
            if (throttle - now.FullThrottleShare >= ThrottleShareDrop)
            {
                reasons.Add(Text($"full throttle {now.FullThrottleShare:P0} of the lap against {throttle:P0}"));
            }

            if (Math.Abs(now.BrakeApplications - brakes) >= Math.Max(3, 0.3 * brakes))
            {
                reasons.Add(Text($"{now.BrakeApplications} brake applications against {brakes:0}"));
            }

            if (speed - now.MaxSpeed >= SpeedTrapDrop)
            {
                reasons.Add(Text($"top speed {now.MaxSpeed:0} km/h against {speed:0}"));
            }

            if (reasons.Count > 0)
            {
                score = Math.Max(score, ScoreThreshold);
            }
        }

        var flag = reasons.Count > 0 && explanation is null;
        var reason = reasons.Count == 0
            ? reference.Count < MinimumReferenceLaps ? "too few clean laps before it to judge" : "in line with the car's recent laps"
            : explanation is not null ? $"{string.Join("; ", reasons)} — explained: {explanation}" : string.Join("; ", reasons);
        return new LapAnomaly(lap.LapNumber, Math.Round(score, 2), Math.Round(off, 3), flag, explanation is not null, reason);
    }

    /// <summary>Why a slow lap is expected, or null.</summary>
    private static string? Explain(LapCompleted lap) =>
        lap.LapNumber <= 1 ? "the start"
        : lap.PitIn ? "in-lap"
        : lap.PitOut ? "out-lap"
        : lap.TrackStatus is not TrackStatus.Green and not TrackStatus.Unknown ? $"track status {lap.TrackStatus}"
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
