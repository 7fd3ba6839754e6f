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
}
