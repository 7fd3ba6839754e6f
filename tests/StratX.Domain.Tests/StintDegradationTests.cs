using StratX.Domain.Tyres;

namespace StratX.Domain.Tests;

public class StintDegradationTests
{
    [Fact]
    public void A_perfect_line_is_recovered_with_a_perfect_fit()
    {
        double[] ages = [1, 2, 3, 4, 5, 6];
        var times = ages.Select(a => 95.0 + (0.08 * a)).ToArray();

        var fit = StintDegradation.Fit(ages, times)!.Value;

        Assert.Equal(0.08, fit.SlopeSecondsPerLap, 4);
        Assert.Equal(95.0, fit.InterceptSeconds, 3);
        Assert.Equal(1.0, fit.RSquared, 3);
        Assert.Equal(0.0, fit.StandardError, 4);
        Assert.Equal(6, fit.Laps);
    }

    [Fact]
    public void Noisy_laps_give_a_lower_fit_quality_and_a_standard_error()
    {
        double[] ages = [1, 2, 3, 4, 5, 6, 7, 8];
        double[] times = [95.1, 95.0, 95.4, 95.2, 95.6, 95.3, 95.8, 95.6];

        var fit = StintDegradation.Fit(ages, times)!.Value;

        Assert.InRange(fit.SlopeSecondsPerLap, 0.06, 0.1);
        Assert.InRange(fit.RSquared, 0.5, 0.95);
        Assert.True(fit.StandardError > 0);
    }

    [Fact]
    public void Too_few_laps_or_no_spread_in_age_gives_no_fit()
    {
        Assert.Null(StintDegradation.Fit([1, 2], [95, 95.1]));
        Assert.Null(StintDegradation.Fit([3, 3, 3], [95, 95.1, 95.2]));
    }

    [Fact]
    public void Stint_pace_leaves_out_laps_that_are_not_clean_or_far_off_the_median()
    {
        int[] laps = [2, 3, 4, 5, 6, 7];
        int[] ages = [2, 3, 4, 5, 6, 7];
        double[] clean = [96.0, 96.1, double.NaN, 96.3, 104.0, 96.5];
        var used = new bool[laps.Length];

        var result = StintPace.Analyse(laps, ages, clean, FuelModel.Default, used);

        Assert.Equal([true, true, false, true, false, true], used);
        Assert.Equal(4, result.LapsUsed);
        Assert.Equal(96.225, result.AveragePace!.Value, 3);

        // Raw pace rises 0.1 s/lap while the car gets 0.06 s/lap lighter: the tyre costs 0.16 s/lap.
        Assert.Equal(0.16, result.Degradation!.Value.SlopeSecondsPerLap, 2);
    }
}
