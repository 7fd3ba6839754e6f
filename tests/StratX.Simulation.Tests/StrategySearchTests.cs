using StratX.Domain.Racing;

namespace StratX.Simulation.Tests;

/// <summary>Strategy questions on states rebuilt from the 2021 Abu Dhabi Grand Prix.</summary>
public class StrategySearchTests
{
    private static readonly StrategySearch Search = new(new RaceSimulator(CircuitModel.TypicalDry));

    [Fact]
    public void The_search_ranks_at_least_forty_legal_candidates_and_recommends_a_window()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 8);
        var car = state.Cars.First(c => c.CompoundsUsed.Count == 1 && !c.Retired);

        var recommendation = Search.Recommend(state, car.Id, options: new StrategySearchOptions { Seed = 4 });

        Assert.True(recommendation.Candidates.Count >= 40, $"{recommendation.Candidates.Count} candidates");
        Assert.All(recommendation.Candidates, c => Assert.True(
            c.Strategy.Stops.Select(s => s.Compound).Append(car.Compound).Distinct().Count(x => x.IsDry()) >= 2,
            $"{c.Strategy} leaves {car.Id} on one dry compound"));
        Assert.DoesNotContain(recommendation.Candidates, c => c.Strategy.Stops.Count == 0);
        Assert.Equal(recommendation.Candidates.Min(c => c.ExpectedPosition), recommendation.Best.ExpectedPosition);
        Assert.All(recommendation.Candidates, c => Assert.Equal(1.0, c.PositionProbabilities.Sum(), 9));
        Assert.Equal(1.0, recommendation.Candidates.Sum(c => c.BestShare), 9);
        Assert.NotNull(recommendation.NextStop);
        Assert.InRange(recommendation.NextStop.FirstLap, 9, 57);
        Assert.InRange(recommendation.Confidence, recommendation.Best.BestShare, 1.0);
    }

    [Fact]
    public void The_same_seed_gives_the_same_recommendation()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 20);
        var car = state.Cars[2].Id;
        var options = new StrategySearchOptions { Seed = 12, RunsPerCandidate = 200, MaxCandidates = 20 };

        var first = Search.Recommend(state, car, options: options);
        var second = Search.Recommend(state, car, options: options);

        Assert.Equal(first.Candidates.Select(c => (c.Strategy.ToString(), c.ExpectedPosition, c.Regret)), second.Candidates.Select(c => (c.Strategy.ToString(), c.ExpectedPosition, c.Regret)));
        Assert.Equal(first.Confidence, second.Confidence);
    }

    [Fact]
    public void Under_a_safety_car_boxing_now_on_old_tyres_beats_staying_out_more_often_than_under_green()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 30);
        var subject = state.Cars.Where(c => !c.Retired && c.CompoundsUsed.Count >= 2).OrderByDescending(c => c.TyreAge).First();
        var plans = new Dictionary<string, Strategy> { [subject.Id] = new([new PlannedStop(48, TyreCompound.Hard)]) };
        var safetyCar = state with { TrackStatus = SimTrackStatus.SafetyCar, NeutralisedLapsLeft = 3 };

        var underSafetyCar = Search.ReactToNeutralisation(safetyCar, subject.Id, plans, runs: 2_000, seed: 6, cancellationToken: TestContext.Current.CancellationToken);
        var underGreen = Search.ReactToNeutralisation(state, subject.Id, plans, runs: 2_000, seed: 6, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(31, underSafetyCar.BoxNow.Strategy.Stops[0].Lap);
        Assert.True(underSafetyCar.BoxNowBetter > underGreen.BoxNowBetter, $"box now better in {underSafetyCar.BoxNowBetter:P0} of runs under SC, {underGreen.BoxNowBetter:P0} under green");
        Assert.True(underSafetyCar.BoxNow.ExpectedRaceTime < underSafetyCar.StayOut.ExpectedRaceTime);
    }

    [Fact]
    public void An_undercut_gives_probabilities_and_cannot_catch_a_car_half_a_minute_up_the_road()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 10);
        var running = state.Cars.Where(c => !c.Retired).ToList();
        var far = running.First(c => c.GapToLeader > running[0].GapToLeader + 30);

        var close = Search.Undercut(state, running[2].Id, running[1].Id, runs: 1_000, seed: 2, cancellationToken: TestContext.Current.CancellationToken);
        var hopeless = Search.Undercut(state, far.Id, running[0].Id, runs: 1_000, seed: 2, cancellationToken: TestContext.Current.CancellationToken);

        foreach (var p in new[] { close.AheadIfBoxNow, close.AheadIfBoxNextLap, close.AheadIfStayOut })
        {
            Assert.InRange(p, 0, 1);
        }

        Assert.True(close.ComparedAfterLap > state.LapsCompleted);
        Assert.True(Math.Max(hopeless.AheadIfBoxNow, Math.Max(hopeless.AheadIfBoxNextLap, hopeless.AheadIfStayOut)) < 0.1);
    }

    [Fact]
    public void Asking_about_a_car_that_is_not_running_is_a_clear_error()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 10);

        var error = Assert.Throws<InvalidRaceStateException>(() => Search.Recommend(state, "999"));
        Assert.Contains("car 999 is not running", error.Message);
    }

    [Fact]
    public void A_what_if_with_a_stop_in_the_past_or_an_unknown_compound_is_refused_with_each_reason()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 30);
        var car = state.Cars[1].Id;
        Strategy[] candidates =
        [
            new([new PlannedStop(40, TyreCompound.Hard)]),
            new([new PlannedStop(12, TyreCompound.Hard)]),
            new([new PlannedStop(45, TyreCompound.Unknown)]),
            new([new PlannedStop(44, TyreCompound.Hard), new PlannedStop(40, TyreCompound.Medium)]),
        ];

        var error = Assert.Throws<InvalidRaceStateException>(() => Search.Compare(state, car, candidates, runs: 100, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(3, error.Errors.Count);
        Assert.Contains("candidate 2: a stop at the end of lap 12 is outside the laps left: 31 to 57.", error.Errors);
        Assert.Contains("candidate 3: the stop at lap 45 fits an unknown compound.", error.Errors);
        Assert.Contains("candidate 4: stops must be on different laps in lap order (lap 40 after lap 44).", error.Errors);
    }

    [Fact]
    public void A_cancelled_search_stops_with_operation_cancelled()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 20);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Search.Recommend(state, state.Cars[0].Id, options: new StrategySearchOptions { Cancellation = cancel.Token }));
    }
}
