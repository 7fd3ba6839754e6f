using StratX.Domain.Events;
using StratX.Domain.Racing;

namespace StratX.Domain.Laps;

/// <summary>
/// Which laps say something about a car's pace. The standing start, the laps into and out of the pits and
/// laps under a safety car, VSC or red flag are slow for reasons that have nothing to do with the car or
/// its tyres, so pace and degradation figures leave them out.
/// </summary>
public static class CleanLaps
{
    public static bool IsRepresentative(LapCompleted lap) =>
        lap.LapTime is > 0
        && lap.LapNumber > 1
        && !lap.PitIn
        && !lap.PitOut
        && !lap.TrackStatus.IsNeutralised();

    /// <summary>
    /// True when a clean lap is still far off the car's own pace (traffic, a lock-up, a yellow flag the
    /// feed did not report): slower than the reference by more than the tolerance.
    /// </summary>
    public static bool IsOutlier(double lapTime, double referencePace, double tolerance = 0.04) =>
        referencePace > 0 && lapTime > referencePace * (1 + tolerance);
}
