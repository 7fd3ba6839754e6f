using System.Globalization;
using StratX.Domain.Tyres;

namespace StratX.Models.Degradation;

/// <summary>Whether a stint's tyres are falling off faster than the wear curve expects.</summary>
/// <param name="Score">How many noise widths the recent laps sit above the curve (0 when there is too little to judge).</param>
/// <param name="ExcessSeconds">Median of the last <see cref="CliffDetector.RecentLaps"/> clean laps against the curve, in seconds.</param>
public readonly record struct CliffAlert(bool Fires, double Score, double ExcessSeconds, string Reason);

/// <summary>
/// The tyre-cliff detector. A line is fitted through the stint's clean laps before the last three
/// (fuel-corrected time against tyre age, at least as steep as the wear curve); the median of the last three
/// against that line (one slow lap in traffic does not fire it), over the noise of the laps before them
/// (1.4826 × MAD, at least 0.15 s), is the score. Laps within 1.5 s of the car ahead or under blue flags
/// are left out of the check (a two-lap fight reads like a cliff otherwise).
/// It fires when the score reaches <see cref="ScoreThreshold"/> and the excess
/// <see cref="ExcessThreshold"/> seconds (see docs/MODELS.md for how these were chosen).
/// </summary>
public static class CliffDetector
{
    public const int RecentLaps = 3;
    public const double ScoreThreshold = 4.0;
    public const double ExcessThreshold = 0.8;
    private const double NoiseFloor = 0.15;

    /// <summary>The alert for the stint as it stands (needs the early window plus at least two laps plus the recent ones).</summary>
    public static CliffAlert Check(Stint stint, double wearPerLap, double scoreThreshold = ScoreThreshold, double excessThreshold = ExcessThreshold)
    {
        // Laps behind another car or under blue flags are slow for reasons other than the tyres.
        var laps = stint.Clean.Where(l => !l.Disturbed).ToList();
        var window = DegradationCurves.Window;
        if (laps.Count < window + 2 + RecentLaps)
        {
            return new CliffAlert(false, 0, 0, $"{laps.Count} clean laps in the stint: too few to judge");
        }

        // The stint's own line through its laps before the recent ones, at least as steep as the curve: a
        // cliff is a break from how this stint was going, not a stint that simply wears faster than average.
        var before = laps.Take(laps.Count - RecentLaps).ToList();
        var meanAge = before.Average(l => l.TyreAge);
        var own = StintDegradation.Fit([.. before.Select(l => (double)l.TyreAge)], [.. before.Select(l => l.Corrected)]);
        var slope = Math.Max(own?.SlopeSecondsPerLap ?? wearPerLap, wearPerLap);
        var anchor = before.Average(l => l.Corrected);
        var residuals = laps.Select(l => l.Corrected - (anchor + (slope * (l.TyreAge - meanAge)))).ToList();
        var earlier = residuals.Take(before.Count).ToList();
        var centre = StintLaps.Median(earlier);
        var noise = Math.Max(NoiseFloor, 1.4826 * StintLaps.Median(earlier.Select(r => Math.Abs(r - centre))));
        var excess = StintLaps.Median(residuals.TakeLast(RecentLaps));
        var score = excess / noise;
        var fires = score >= scoreThreshold && excess >= excessThreshold;
        var last = laps[^1];
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"last {RecentLaps} clean laps {excess:+0.00;-0.00} s against the stint's trend ({slope:+0.000;-0.000} s/lap; curve {wearPerLap:+0.000;-0.000}; {stint.Compound} at {last.TyreAge} laps), noise {noise:0.00} s: score {score:0.0}{(fires ? " — tyres falling off" : "")}");
        return new CliffAlert(fires, Math.Round(score, 2), Math.Round(excess, 3), reason);
    }

    /// <summary>The alert as it would have stood after each clean lap of the stint (each from the laps up to it only).</summary>
    public static List<(StintLap Lap, CliffAlert Alert)> Scan(Stint stint, double wearPerLap, double scoreThreshold = ScoreThreshold, double excessThreshold = ExcessThreshold)
    {
        var alerts = new List<(StintLap, CliffAlert)>();
        for (var n = DegradationCurves.Window + 2 + RecentLaps; n <= stint.Clean.Count; n++)
        {
            alerts.Add((stint.Clean[n - 1], Check(stint with { Clean = [.. stint.Clean.Take(n)] }, wearPerLap, scoreThreshold, excessThreshold)));
        }

        return alerts;
    }
}
