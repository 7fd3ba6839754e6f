using Microsoft.Extensions.Options;
using StratX.Domain.Identity;
using StratX.Grains;
using StratX.Grains.Ingestion;
using StratX.Grains.Security;
using StratX.Grains.Views;
using StratX.Server.Api;

namespace StratX.Server.Demo;

public sealed class DemoOptions
{
    public const string Section = "StratX:Demo";

    public bool Enabled { get; set; } = true;

    /// <summary>A bundled race id.</summary>
    public string Race { get; set; } = "2023-bahrain-race";

    /// <summary>Replay speed factor (1 = real time); 10 shows the whole race in about ten minutes.</summary>
    public double Speed { get; set; } = 10;

    public string SessionId { get; set; } = "2023-bahrain";

    /// <summary>Start the race again, in a fresh session, this long after it ends (off when zero, the default).</summary>
    public TimeSpan RestartAfter { get; set; } = TimeSpan.Zero;
}

/// <summary>
/// The embedded default's live race: replays the bundled demo race into the demo tenant once the server is
/// up (and, when configured, again after it ends).
/// </summary>
public sealed partial class DemoReplay(
    IOptions<DemoOptions> options,
    BundledRaces races,
    IGrainFactory grains,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<DemoReplay> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var demo = options.Value;
        if (!demo.Enabled)
        {
            return;
        }

        if (!races.TryFind(demo.Race, out var race))
        {
            LogUnknownRace(demo.Race);
            return;
        }

        // The demo race belongs to the demo tenant; this service acts for it.
        using var tenant = TenantContext.Enter(TenantId.Demo);
        await WhenStarted(stoppingToken);
        for (var round = 1; !stoppingToken.IsCancellationRequested; round++)
        {
            var sessionId = round == 1 ? demo.SessionId : $"{demo.SessionId}-{round}";
            var session = new SessionKey(TenantId.Demo, new SessionId(sessionId));
            await grains.GetGrain<ISessionCatalogGrain>(TenantId.Demo.Value).Register(new SessionListing
            {
                Session = session,
                Name = race.Name,
                Source = race.Id,
                CreatedAt = time.GetUtcNow(),
            });
            var grain = grains.GetGrain<ISessionGrain>(session.ToString());
            await grain.StartReplay(new ReplayRequest { Session = session, Recording = race.Location, Speed = demo.Speed, FromRaceStart = true });
            LogStarted(race.Name, session, demo.Speed);

            while (await grain.GetIngestion() is { IsFinished: false })
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }

            if (demo.RestartAfter <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(demo.RestartAfter, time, stoppingToken);
        }
    }

    private Task WhenStarted(CancellationToken stoppingToken) => WhenStarted(lifetime, stoppingToken);

    /// <summary>Completes once the server is up (its addresses bound, every hosted service started).</summary>
    internal static Task WhenStarted(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The demo race '{Race}' is not bundled; no demo replay")]
    private partial void LogUnknownRace(string race);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo: replaying {Race} into {Session} at {Speed}×")]
    private partial void LogStarted(string race, SessionKey session, double speed);
}
