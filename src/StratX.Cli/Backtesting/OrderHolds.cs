namespace StratX.Cli.Backtesting;

/// <summary>
/// The baseline: the current order holds, give or take. A car now in position i finishes in position j with
/// probability proportional to exp(−|j − i| / width) over the running positions (a discrete Laplace), the
/// width fitted by maximum likelihood on earlier seasons.
/// </summary>
internal static class OrderHolds
{
    public static double[] Distribution(int current, int running, double width)
    {
        var p = new double[running];
        var sum = 0.0;
        for (var j = 1; j <= running; j++)
        {
            p[j - 1] = Math.Exp(-Math.Abs(j - current) / width);
            sum += p[j - 1];
        }

        for (var j = 0; j < running; j++)
        {
            p[j] /= sum;
        }

        return p;
    }

    /// <summary>The width that maximises the likelihood of (current, final, running) observations.</summary>
    public static double Fit(IReadOnlyList<(int Current, int Final, int Running)> observations)
    {
        var best = 1.0;
        var bestLikelihood = double.NegativeInfinity;
        for (var width = 0.2; width <= 12.0; width += 0.05)
        {
            var likelihood = 0.0;
            foreach (var (current, final, running) in observations)
            {
                likelihood += Math.Log(Math.Max(1e-12, Distribution(current, running, width)[Math.Min(final, running) - 1]));
            }

            if (likelihood > bestLikelihood)
            {
                bestLikelihood = likelihood;
                best = width;
            }
        }

        return Math.Round(best, 2);
    }
}
