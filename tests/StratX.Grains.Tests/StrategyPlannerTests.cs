using System.Globalization;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Domain.Recordings;
using StratX.Grains.Ingestion;
using StratX.Grains.Planning;
using StratX.Grains.Security;
using StratX.Tests;

namespace StratX.Grains.Tests;

/// <summary>The strategy planner of a car followed through real replays in two silos.</summary>
public class StrategyPlannerTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    private static RecordingLocation AbuDhabi2021 => new() { Format = RecordingFormat.FastF1Laps, Path = RepoPaths.FastF1Laps2021, Round = 22 };

    [Fact]
    public async Task At_full_speed_laps_outrun_the_simulations_so_stale_plans_are_dropped_and_the_last_word_is_that_the_race_is_over()
    {
        var session = new SessionKey(TenantId.Demo, new SessionId("planner-full-speed"));
        using var tenant = TenantContext.Enter(session.Tenant);
        var planner = Planner(session, "33");

        // Following starts before the race: the first plan explains there is nothing to plan yet.
        var before = await planner.GetPlan(TimeSpan.FromSeconds(20));
        Assert.NotNull(before);
        Assert.NotNull(before.Unavailable);

        await cluster.ReplayAsync(session, AbuDhabi2021);

        var last = await WaitFor(planner, p => p.Unavailable == "The race is over.", TimeSpan.FromSeconds(60));
        // 58 laps arrive in well under a second; each search takes longer, so most are abandoned for a newer state.
        Assert.True(last.Superseded > 0, $"no plan was superseded ({last.Superseded})");
        Assert.Empty(last.Candidates);
    }

    [Fact]
    public async Task When_laps_keep_coming_faster_than_plans_the_car_still_gets_plans_in_lap_order()
    {
        var session = new SessionKey(TenantId.Demo, new SessionId("planner-outrun"));
        using var tenant = TenantContext.Enter(session.Tenant);
        var grain = cluster.Grains.GetGrain<ISessionGrain>(session.ToString());
        var planner = Planner(session, "77");
        await planner.GetPlan(TimeSpan.Zero);

        // Abu Dhabi 2021 from lap 5 at 150×: a lap every ~0.6 s, while a plan takes 0.5–2.5 s on a quiet machine
        // (more on a busy one) until the last laps, where few stops are left to weigh. Were every plan cancelled by
        // the next lap, the car would get its first plan only then (measured at 250×: after lap 47 with cancelling
        // alone). At 250× a CI machine busy with other test projects once completed plans after laps 37 and 49 only.
        await grain.StartReplay(new ReplayRequest { Session = session, Recording = AbuDhabi2021, IncludeTelemetry = false, Speed = 150, PaceFromLap = 5 });
        var plans = await PlansToTheEnd(planner, grain, TimeSpan.FromMilliseconds(20));

        var full = plans.Where(p => p.Unavailable is null && !p.SearchPending).ToList();
        var laps = string.Join(",", full.Select(p => p.AfterLap));
        Assert.True(plans[^1].Superseded > 0, $"no plan was superseded, so laps did not outrun the plans (plans after laps {laps})");
        Assert.True(full.Count > 0 && full[0].AfterLap < 40 && full.Select(p => p.AfterLap).Distinct().Count() >= 2, $"full plans after laps {laps} of 58, {plans[^1].Superseded} superseded");
        Assert.Equal(full.Select(p => p.AfterLap).Order(), full.Select(p => p.AfterLap));
        Assert.All(full, p => Assert.NotEmpty(p.Candidates));
    }

    [Fact]
    public async Task Each_lap_brings_a_new_plan_and_the_safety_car_brings_the_box_or_stay_out_answer()
    {
        var session = new SessionKey(TenantId.Demo, new SessionId("planner-safety-car"));
        using var tenant = TenantContext.Enter(session.Tenant);
        var grain = cluster.Grains.GetGrain<ISessionGrain>(session.ToString());
        var planner = Planner(session, "44");
        await planner.GetPlan(TimeSpan.Zero);

        // Abu Dhabi 2021: the safety car came out on lap 53 of 58. Catch up to lap 50, then play at 30× (a lap in ~3 s).
        await grain.StartReplay(new ReplayRequest { Session = session, Recording = AbuDhabi2021, IncludeTelemetry = false, Speed = 30, PaceFromLap = 50 });

        var plans = await PlansToTheEnd(planner, grain, TimeSpan.FromMilliseconds(100));

        var full = plans.Where(p => p.Unavailable is null && !p.SearchPending).ToList();
        Assert.True(full.Select(p => p.AfterLap).Distinct().Count() >= 4, $"plans after laps {string.Join(",", full.Select(p => p.AfterLap))}");
        // A plan never goes back to an older state.
        Assert.Equal(full.Select(p => p.AfterLap).Order(), full.Select(p => p.AfterLap));
        foreach (var plan in full)
        {
            Assert.Equal(58, plan.TotalLaps);
            Assert.NotEmpty(plan.Candidates);
            Assert.InRange(plan.Confidence, 0, 1);
            Assert.All(plan.Candidates, c => Assert.Equal(1.0, c.PositionProbabilities.Sum(), 6));
            Assert.All(plan.Candidates, c => Assert.All(c.Stops, s => Assert.InRange(s.Lap, plan.AfterLap + 1, plan.TotalLaps - 1)));
        }

        // By lap 50 the race has run stints enough to learn today's wear: each plan from then on simulates with it and
        // says from how many stints. (A plan started early in the catch-up may still finish and be published: on a
        // starved machine one after lap 2 did, with no stint run yet.)
        var paced = full.Where(p => p.AfterLap >= 50).ToList();
        Assert.NotEmpty(paced);
        foreach (var plan in paced)
        {
            Assert.Equal([TyreCompound.Soft, TyreCompound.Medium, TyreCompound.Hard], plan.Wear.Select(w => w.Compound));
            var stints = plan.Wear.Sum(w => w.LiveStints);
            Assert.True(stints > 0, $"no live stint behind the plan after lap {plan.AfterLap}: {plan.CircuitModel}");
            Assert.Contains(plan.Wear, w => w.LiveStints > 0 && w.PerLap != w.Historical);
            Assert.All(plan.Wear.Where(w => w.LiveStints == 0), w => Assert.Equal(w.Historical, w.PerLap));
            Assert.EndsWith(string.Create(CultureInfo.InvariantCulture, $", wear from {stints} live stints (soft/medium/hard {plan.Wear[0].PerLap:0.000}/{plan.Wear[1].PerLap:0.000}/{plan.Wear[2].PerLap:0.000} s/lap)"), plan.CircuitModel, StringComparison.Ordinal);
        }

        var underSafetyCar = plans.Where(p => p.TrackStatus == TrackStatus.SafetyCar && p.Unavailable is null).ToList();
        Assert.NotEmpty(underSafetyCar);
        Assert.All(underSafetyCar, p => Assert.Equal(TrackStatus.SafetyCar, p.Neutralisation?.Status));
        Assert.Contains(underSafetyCar, p => p.Reason == PlanReason.TrackStatus);
        Assert.All(full.Where(p => p.TrackStatus is TrackStatus.Green), p => Assert.Null(p.Neutralisation));
        var answer = underSafetyCar[0].Neutralisation!;
        Assert.Equal(answer.RecommendBox, answer.BoxNow.ExpectedPosition < answer.StayOut.ExpectedPosition
            || (answer.BoxNow.ExpectedPosition == answer.StayOut.ExpectedPosition && answer.BoxNowBetter >= 0.5));
    }

    /// <summary>Each plan the planner holds as it is polled, in order, until the race is over or the replay has finished (3 minutes at most).</summary>
    private static async Task<List<StrategyPlanView>> PlansToTheEnd(IStrategyPlannerGrain planner, ISessionGrain session, TimeSpan poll)
    {
        var plans = new List<StrategyPlanView>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(3))
        {
            var plan = await planner.GetPlan(TimeSpan.Zero);
            if (plan is not null && (plans.Count == 0 || plan.ComputedAt != plans[^1].ComputedAt))
            {
                plans.Add(plan);
            }

            if (plan?.Unavailable == "The race is over." || (await session.GetIngestion())?.IsFinished == true)
            {
                break;
            }

            await Task.Delay(poll, TestContext.Current.CancellationToken);
        }

        return plans;
    }

    private IStrategyPlannerGrain Planner(SessionKey session, string car) =>
        cluster.Grains.GetGrain<IStrategyPlannerGrain>(session.Car(new CarId(car)).ToString());

    private static async Task<StrategyPlanView> WaitFor(IStrategyPlannerGrain planner, Func<StrategyPlanView, bool> done, TimeSpan timeout)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var plan = await planner.GetPlan(TimeSpan.Zero);
            if (plan is not null && done(plan))
            {
                return plan;
            }

            Assert.True(waited.Elapsed < timeout, $"the planner's plan did not settle within {timeout}: {plan?.Unavailable ?? plan?.AfterLap.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
