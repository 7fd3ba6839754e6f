using Microsoft.Extensions.DependencyInjection;
using StratX.Grains.Hosting;
using StratX.Grains.Rollout;
using StratX.Models.Scoring;
using StratX.Tests;

namespace StratX.Grains.Tests;

/// <summary>Two silos scoring with the project's trained models, each following the cluster's rollout every 200 ms.</summary>
public sealed class ModelRolloutCluster : TwoSiloCluster
{
    public IReadOnlyList<ModelRegistry> Registries => [.. Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<ModelRegistry>())];

    public IReadOnlyList<ModelRolloutFollower> Followers => [.. Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<ModelRolloutFollower>())];

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        base.ConfigureSilo(silo);
        silo.Services.Configure<ModelOptions>(o =>
        {
            o.Path = Path.Combine(RepoPaths.Root, "models");
            o.RolloutPollInterval = TimeSpan.FromMilliseconds(200);
        });
    }
}

public sealed class ModelRolloutTests(ModelRolloutCluster cluster) : IClassFixture<ModelRolloutCluster>
{
    private const string Task = "pit-next-lap";

    [Fact]
    public async Task A_rollout_and_a_rollback_reach_every_silo_and_a_version_that_does_not_load_changes_none()
    {
        var started = cluster.Registries.Select(r => r.Current(Task)?.Version).Distinct().Single();
        Assert.NotNull(started);
        var other = cluster.Registries[0].Versions(Task).First(v => v != started);
        var rollout = cluster.Grains.GetGrain<IModelRolloutGrain>(IModelRolloutGrain.Key);

        var rolled = await rollout.Roll(Task, other, started);
        await Eventually(() => cluster.Followers.All(f => f.AppliedRevision == rolled.Revision), "both silos apply the rollout");
        Assert.All(cluster.Registries, r => Assert.Equal(other, r.Current(Task)?.Version));
        Assert.Equal([started!.Value], rolled.History[Task]);

        var missing = await rollout.Roll(Task, 99, other);
        await Eventually(() => cluster.Followers.All(f => f.AppliedRevision == missing.Revision), "both silos see the broken rollout");
        Assert.All(cluster.Registries, r => Assert.Equal(other, r.Current(Task)?.Version));
        Assert.All(cluster.Followers, f => Assert.Contains("no version 99", f.Problems[Task], StringComparison.Ordinal));

        var back = await rollout.RollBack(Task);
        Assert.NotNull(back);
        Assert.Equal(other, back.Versions[Task]);
        back = await rollout.RollBack(Task);
        Assert.NotNull(back);
        await Eventually(() => cluster.Followers.All(f => f.AppliedRevision == back.Revision), "both silos apply the rollback");
        Assert.All(cluster.Registries, r => Assert.Equal(started, r.Current(Task)?.Version));
        Assert.All(cluster.Followers, f => Assert.Empty(f.Problems));
        Assert.Null(await rollout.RollBack(Task));
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting until {what}");
            await System.Threading.Tasks.Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}
