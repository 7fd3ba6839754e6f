using Orleans.TestingHost;
using StratX.Domain.Identity;
using StratX.Grains.Hosting;
using StratX.Grains.Ingestion;

namespace StratX.Grains.Tests;

/// <summary>Two silos in this process, configured like the embedded server (memory storage and streams).</summary>
public class TwoSiloCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public virtual async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => ConfigureSilo(silo));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public virtual async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Each silo's configuration; fixtures that add to the embedded one call this first.</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo) => silo.AddStratX();

    /// <summary>Replays a recording into a session as fast as possible and waits until every published item is applied.</summary>
    public async Task<IngestionStatus> ReplayAsync(SessionKey session, RecordingLocation recording, bool includeTelemetry = true)
    {
        var grain = Grains.GetGrain<ISessionGrain>(session.ToString());
        await grain.StartReplay(new ReplayRequest { Session = session, Recording = recording, IncludeTelemetry = includeTelemetry });
        var timeout = TimeSpan.FromMinutes(5);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        IngestionStatus? status;
        while ((status = await grain.GetIngestion()) is { IsFinished: false })
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"The replay into {session} did not finish within {timeout}: {status.State}, {status.Applied}/{status.Published} applied.");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.NotNull(status);
        Assert.True(status.State == IngestionState.Completed, $"Replay ended {status.State}: {status.Error}");
        return status;
    }
}
