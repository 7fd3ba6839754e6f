using Microsoft.Extensions.Options;
using StratX.Grains.Hosting;
using StratX.Grains.Planning;

namespace StratX.Grains.Tests;

public class SimulationSchedulerTests
{
    [Fact]
    public async Task A_waiting_question_runs_before_waiting_replans_and_a_cancelled_run_never_starts()
    {
        var scheduler = new SimulationScheduler(Options.Create(new StrategyOptions { MaxConcurrentSimulations = 1 }));
        var order = new List<string>();
        using var release = new ManualResetEventSlim();
        var holding = scheduler.RunAsync(_ => release.Wait(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken), CancellationToken.None);

        using var cancel = new CancellationTokenSource();
        var cancelled = scheduler.RunAsync(_ => Record("cancelled"), cancel.Token);
        var replan = scheduler.RunAsync(_ => Record("replan"), CancellationToken.None);
        var question = scheduler.RunAsync(_ => Record("question"), CancellationToken.None, interactive: true);
        await cancel.CancelAsync();
        release.Set();

        await holding;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await Task.WhenAll(replan, question);
        Assert.Equal(["question", "replan"], order);

        bool Record(string name)
        {
            lock (order)
            {
                order.Add(name);
            }

            return true;
        }
    }

    [Fact]
    public async Task Its_simulations_run_on_at_most_the_configured_threads_and_their_results_do_not_change()
    {
        var snapshot = new StratX.Simulation.RaceSnapshot
        {
            TotalLaps = 30,
            LapsCompleted = 10,
            Cars = [.. Enumerable.Range(1, 10).Select(i => new StratX.Simulation.SimCar { Id = $"{i}", GapToLeader = i * 1.2, BasePace = 90 + i * 0.05, Compound = StratX.Domain.Racing.TyreCompound.Medium, TyreAge = 10, CompoundsUsed = [StratX.Domain.Racing.TyreCompound.Medium] })],
        };
        var unlimited = new StratX.Simulation.RaceSimulator(StratX.Simulation.CircuitModel.TypicalDry).Run(snapshot, null, new StratX.Simulation.SimulationOptions { Runs = 4_000, Seed = 7 });
        var scheduler = new SimulationScheduler(Options.Create(new StrategyOptions { SimulationThreads = 1 }));
        var (allowed, result) = await scheduler.RunAsync(
            token => (StratX.Simulation.SimulationThreads.For(0), new StratX.Simulation.RaceSimulator(StratX.Simulation.CircuitModel.TypicalDry).Run(snapshot, null, new StratX.Simulation.SimulationOptions { Runs = 4_000, Seed = 7, Cancellation = token })),
            CancellationToken.None);

        Assert.Equal(1, allowed);
        Assert.Equal(Environment.ProcessorCount, StratX.Simulation.SimulationThreads.For(0));
        Assert.Equal(
            unlimited.Cars.Select(c => string.Join(",", c.PositionProbabilities)),
            result.Cars.Select(c => string.Join(",", c.PositionProbabilities)));
    }
}
