namespace StratX.Simulation;

/// <summary>Summaries of a finishing-position distribution (index 0 is P1).</summary>
public static class PositionDistribution
{
    /// <summary>Counts of runs per position for one car, as probabilities.</summary>
    public static double[] FromCounts(ReadOnlySpan<long> counts, int runs)
    {
        var p = new double[counts.Length];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = (double)counts[i] / runs;
        }

        return p;
    }

    /// <summary>P(finishing in the top <paramref name="k"/>).</summary>
    public static double Top(IReadOnlyList<double> p, int k) => p.Take(k).Sum();

    public static double Expected(IReadOnlyList<double> p)
    {
        var expected = 0.0;
        for (var i = 0; i < p.Count; i++)
        {
            expected += p[i] * (i + 1);
        }

        return expected;
    }

    /// <summary>The first position (1-based) by which half the probability is reached; the last when rounding never gets there.</summary>
    public static int Median(IReadOnlyList<double> p)
    {
        var cumulative = 0.0;
        for (var i = 0; i < p.Count; i++)
        {
            if ((cumulative += p[i]) >= 0.5)
            {
                return i + 1;
            }
        }

        return p.Count;
    }
}
