using Orleans.TestingHost;
using StratX.Domain.Identity;
using StratX.Grains.Hosting;
using StratX.Grains.Ingestion;

namespace StratX.Grains.Tests;

/// <summary>Two silos in this process, configured like the embedded server (memory storage and streams).</summary>
public sealed class TwoSiloCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddStratX());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

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
