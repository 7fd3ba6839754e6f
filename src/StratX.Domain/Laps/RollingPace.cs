namespace StratX.Domain.Laps;

/// <summary>
/// A car's current pace: the mean of its last few clean laps, leaving out laps well off the car's own
/// recent best (traffic, a mistake) so that one bad lap does not move it.
/// </summary>
public static class RollingPace
{
    public const int DefaultWindow = 5;

    public static double? Of(IReadOnlyList<LapRecord> laps, int window = DefaultWindow)
    {
        Span<double> recent = stackalloc double[window];
        var count = 0;
        for (var i = laps.Count - 1; i >= 0 && count < window; i--)
        {
            if (laps[i] is { IsClean: true, LapTime: { } time })
            {
                recent[count++] = time;
            }
        }

        if (count == 0)
        {
            return null;
        }

        var best = double.MaxValue;
        foreach (var t in recent[..count])
        {
            best = Math.Min(best, t);
        }

        double sum = 0;
        var used = 0;
        foreach (var t in recent[..count])
        {
            if (!CleanLaps.IsOutlier(t, best))
            {
                sum += t;
                used++;
            }
        }

        return Math.Round(sum / used, 3);
    }

    /// <summary>The median of the given paces (the field's reference pace); null when there are none.</summary>
    public static double? Median(List<double> paces)
    {
        if (paces.Count == 0)
        {
            return null;
        }

        paces.Sort();
        var mid = paces.Count / 2;
        return paces.Count % 2 == 1 ? paces[mid] : Math.Round((paces[mid - 1] + paces[mid]) / 2, 3);
    }
}
