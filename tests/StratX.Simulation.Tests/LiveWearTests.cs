using StratX.Domain.Laps;
using StratX.Domain.Racing;
using StratX.Domain.Tyres;

namespace StratX.Simulation.Tests;

/// <summary>
/// The live wear update on real races: the bundled 2021 season, and 2022 from the shared data (skipped when absent).
/// Where a rule needs a case the recording does not have (safety-car laps inside a stint, a wet stint), it is made
/// from a real stint by relabelling some of its laps, and the test says so.
/// </summary>
public class LiveWearTests
{
    private static readonly CircuitModel Typical = CircuitModel.TypicalDry;

    [Fact]
    public void With_no_live_stint_the_historical_model_is_returned_unchanged()
    {
        var none = LiveWear.Fit(Typical, [], 58, 30);
        Assert.Same(Typical, none.Model);
        Assert.Equal(0, none.LiveStints);

        // Abu Dhabi 2021 after lap 6: no stint has eight clean laps yet.
        var early = LiveWear.Fit(Typical, RealRaceStates.Histories(AbuDhabi2021), 58, 6);
        Assert.Same(Typical, early.Model);
        Assert.All(early.Compounds, c => Assert.Equal((c.Historical, 0, (double?)null), (c.PerLap, c.LiveStints, c.LiveMedian)));
        Assert.Equal([TyreCompound.Soft, TyreCompound.Medium, TyreCompound.Hard], early.Compounds.Select(c => c.Compound));
    }

    [Fact]
    public void A_wet_race_at_half_distance_leaves_the_historical_model_unchanged()
    {
        // Japan 2022 (round 18) was run on intermediates and wets from start to finish.
        var japan = RealRaceStates.Season2022.Single(r => r.Round == 18);
        var fit = LiveWear.Fit(Typical, RealRaceStates.Histories(japan), japan.Race.ScheduledLaps, japan.Laps.Max(l => l.LapNumber) / 2);

        Assert.Same(Typical, fit.Model);
        Assert.Equal(0, fit.LiveStints);
    }

    [Fact]
    public void On_a_real_2022_race_at_half_distance_each_compound_run_so_far_moves_toward_the_races_slopes()
    {
        // Bahrain 2022 (round 1, 57 laps), dry; cut after lap 28.
        var bahrain = RealRaceStates.Season2022.Single(r => r.Round == 1);
        const int afterLap = 28;
        var total = bahrain.Race.ScheduledLaps;
        var histories = RealRaceStates.Histories(bahrain);

        var fit = LiveWear.Fit(Typical, histories, total, afterLap, priorStints: 8);

        // The race's own slopes, fitted here from the rules as docs/MODELS.md states them.
        var observed = histories
            .SelectMany(h => h.Laps.Where(l => l.LapNumber <= afterLap).GroupBy(l => l.Stint))
            .Select(stint => stint.Where(l => l is { LapTime: not null, TyreAge: not null, PitIn: false, PitOut: false, TrackStatus: TrackStatus.Green } && l.LapNumber > 1 && l.Compound.IsDry()).ToList())
            .Where(clean => clean.Count >= 8)
            .Select(clean => (clean[0].Compound, Fit: StintDegradation.Fit(
                [.. clean.Select(l => (double)l.TyreAge!.Value)],
                [.. clean.Select(l => l.LapTime!.Value - (0.06 * (total - l.LapNumber)))])))
            .Where(s => s.Fit is { } f && Math.Abs(f.SlopeSecondsPerLap) < 0.5)
            .GroupBy(s => s.Compound)
            .ToDictionary(g => g.Key, g => Median([.. g.Select(s => s.Fit!.Value.SlopeSecondsPerLap)]));
        var counts = histories
            .SelectMany(h => StintWear.Of(h.Laps.Where(l => l.LapNumber <= afterLap), total, 0.06))
            .GroupBy(s => s.Compound)
            .ToDictionary(g => g.Key, g => g.Count());

        Assert.NotEmpty(observed);
        Assert.NotSame(Typical, fit.Model);
        foreach (var wear in fit.Compounds)
        {
            var historical = Typical.Tyre(wear.Compound).DegradationPerLap;
            Assert.Equal(historical, wear.Historical);
            Assert.Equal(wear.PerLap, fit.Model.Tyre(wear.Compound).DegradationPerLap);
            if (!observed.TryGetValue(wear.Compound, out var median))
            {
                Assert.Equal(historical, wear.PerLap);
                continue;
            }

            var n = counts[wear.Compound];
            Assert.Equal(n, wear.LiveStints);
            Assert.Equal(median, wear.LiveMedian!.Value, 10);
            Assert.Equal(Math.Clamp(((median * n) + (historical * 8)) / (n + 8), 0, 0.3), wear.PerLap, 10);
            Assert.True(Math.Abs(wear.PerLap - median) < Math.Abs(historical - median), $"{wear.Compound}: {historical:0.0000} → {wear.PerLap:0.0000}, the race's median {median:0.0000} over {n} stints");
        }

        // Enough stints moved at least one compound's rate by a hundredth of a second a lap.
        Assert.Contains(fit.Compounds, c => Math.Abs(c.PerLap - c.Historical) > 0.01);

        // Offsets, cliffs and everything else are the historical model's.
        Assert.All(fit.Compounds, c => Assert.Equal(Typical.Tyre(c.Compound) with { DegradationPerLap = c.PerLap }, fit.Model.Tyre(c.Compound)));
        Assert.Equal(Typical with { Soft = fit.Model.Soft, Medium = fit.Model.Medium, Hard = fit.Model.Hard }, fit.Model);

        // Laps after the cut are not looked at.
        var cut = histories.Select(h => h with { Laps = [.. h.Laps.Where(l => l.LapNumber <= afterLap)] }).ToList();
        Assert.Equal(fit.Compounds, LiveWear.Fit(Typical, cut, total, afterLap, priorStints: 8).Compounds);
    }

    [Fact]
    public void The_in_and_out_laps_of_a_stint_are_left_out_of_its_slope()
    {
        var stint = MiddleStint();
        Assert.Contains(stint, l => l.PitIn);
        Assert.Contains(stint, l => l.PitOut);

        var recorded = Slope([.. stint]);
        var without = Slope([.. stint.Where(l => !l.PitIn && !l.PitOut)]);
        var marked = Slope([.. stint.Select(l => l with { PitIn = false, PitOut = false })]);

        Assert.Equal(without, recorded);
        // Counted as racing laps, the pit-lane laps would change the slope: the rule is what keeps them out.
        Assert.NotEqual(recorded, marked);
    }

    [Fact]
    public void Safety_car_laps_inside_a_stint_are_left_out_of_its_slope()
    {
        // Made from a real stint: three of its racing laps relabelled as run behind the safety car, 40% slower.
        var stint = MiddleStint();
        var racing = stint.Where(l => !l.PitIn && !l.PitOut).ToList();
        var neutralised = racing.Skip(racing.Count / 2).Take(3).Select(l => l.LapNumber).ToHashSet();
        var relabelled = stint.Select(l => neutralised.Contains(l.LapNumber) ? l with { TrackStatus = TrackStatus.SafetyCar, LapTime = l.LapTime * 1.4 } : l).ToList();

        Assert.Equal(Slope([.. stint.Where(l => !neutralised.Contains(l.LapNumber))]), Slope(relabelled));
        Assert.NotEqual(Slope(relabelled), Slope([.. relabelled.Select(l => l with { TrackStatus = TrackStatus.Green })]));
    }

    [Fact]
    public void A_stint_on_a_wet_compound_is_left_out()
    {
        // Made from a real dry stint, relabelled as run on intermediates.
        var wet = MiddleStint().Select(l => l with { Compound = TyreCompound.Intermediate }).ToList();

        var fit = LiveWear.Fit(Typical, [new CarHistory("x", wet, 1)], 58, 58);

        Assert.Same(Typical, fit.Model);
    }

    [Fact]
    public void A_stint_still_running_counts_once_it_has_eight_clean_laps()
    {
        var stint = MiddleStint();
        var clean = stint.Where(StintWear.IsClean).ToList();
        var history = new CarHistory("x", stint, 1);

        var seven = LiveWear.Fit(Typical, [history], 58, clean[6].LapNumber);
        var eight = LiveWear.Fit(Typical, [history], 58, clean[7].LapNumber);

        Assert.Same(Typical, seven.Model);
        Assert.Equal(1, eight.LiveStints);
        Assert.Equal(8, StintWear.Of(stint.Where(l => l.LapNumber <= clean[7].LapNumber), 58, 0.06).Single().CleanLaps);
    }

    private static Ingestion.FastF1.SeasonRace AbuDhabi2021 => RealRaceStates.Season2021.Single(r => r.Round == 22);

    /// <summary>The first stint of Abu Dhabi 2021, in car order, with both an out-lap and an in-lap and at least twelve clean laps.</summary>
    private static List<LapRecord> MiddleStint() =>
        RealRaceStates.Histories(AbuDhabi2021)
            .OrderBy(h => int.Parse(h.Id, System.Globalization.CultureInfo.InvariantCulture))
            .SelectMany(h => h.Laps.GroupBy(l => l.Stint).Select(g => g.ToList()))
            .First(s => s.Any(l => l.PitIn) && s.Any(l => l.PitOut) && s.Count(StintWear.IsClean) >= 12 && s.All(l => l.Compound.IsDry()));

    /// <summary>The stint's live wear with nothing from history (prior weight 0), for the whole 58-lap race.</summary>
    private static double Slope(List<LapRecord> stint) =>
        LiveWear.Fit(Typical, [new CarHistory("x", stint, 1)], 58, 58, priorStints: 0).Compounds.Single(c => c.LiveStints == 1).LiveMedian!.Value;

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
