using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StratX.Domain.Identity;
using StratX.Domain.Recordings;
using StratX.Grains.Ingestion;
using StratX.Grains.Observability;
using StratX.Grains.Security;
using StratX.Grains.Views;
using StratX.Tests;

namespace StratX.Grains.Tests;

/// <summary>Two embedded silos with the tenant call filter (as every StratX silo has it), counting its denials and keeping its warnings.</summary>
public sealed class TenantFilterCluster : TwoSiloCluster
{
    public DeniedCalls Denied { get; } = new();

    public TenantLogCapture Logs { get; } = new();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Denied.Dispose();
    }

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        base.ConfigureSilo(silo);
        silo.Services.AddSingleton<ILoggerProvider>(Logs);
    }
}

/// <summary>
/// The tenant call filter on a real two-silo cluster: calls for another tenant, with no tenant, with a malformed
/// tenant, and from another tenant's grain are refused and counted; real races replayed into a tenant's session run
/// through streams, timers and grain calls without one refusal.
/// </summary>
public sealed class TenantFilterTests(TenantFilterCluster cluster) : IClassFixture<TenantFilterCluster>
{
    private static readonly TenantId TeamA = new("team-a");
    private static readonly TenantId TeamB = new("team-b");

    private static RecordingLocation AbuDhabi2021 => new() { Format = RecordingFormat.FastF1Laps, Path = RepoPaths.FastF1Laps2021, Round = 22 };

    [Fact]
    public async Task A_race_replayed_into_a_tenant_s_session_goes_through_streams_timers_and_grain_calls_without_one_refusal()
    {
        var session = new SessionKey(TeamA, new SessionId("abu-dhabi-2021"));
        var denied = cluster.Denied.Total;
        using var tenant = TenantContext.Enter(TeamA);

        var status = await cluster.ReplayAsync(session, AbuDhabi2021);

        Assert.Equal(status.Published, status.Applied);
        await AssertWholeRace(session);
        Assert.Equal(denied, cluster.Denied.Total);
    }

    [Fact]
    public async Task A_replay_started_with_no_tenant_in_the_context_as_the_session_s_reminder_resumes_one_still_reaches_its_grains()
    {
        // The session's reminder calls the ingestion service with no tenant in its context; the replay job then
        // reports to the session and publishes on its streams for the session's own tenant.
        var session = new SessionKey(TeamB, new SessionId("resumed"));
        var denied = cluster.Denied.Total;
        var ingestion = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IIngestionServiceClient>();
        Assert.Null(TenantContext.Current);

        await ingestion.StartReplay(new ReplayRequest { Session = session, Recording = AbuDhabi2021 });

        using var tenant = TenantContext.Enter(TeamB);
        var grain = cluster.Grains.GetGrain<ISessionGrain>(session.ToString());
        IngestionStatus? status;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while ((status = await grain.GetIngestion()) is not { IsFinished: true })
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(5), $"the replay did not finish: {status?.State}, {status?.Applied}/{status?.Published}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Equal(IngestionState.Completed, status.State);
        Assert.Equal(status.Published, status.Applied);
        await AssertWholeRace(session);
        Assert.Equal(denied, cluster.Denied.Total);
    }

    [Fact]
    public async Task A_call_for_one_tenant_to_another_tenant_s_session_is_refused_counted_and_logged_without_the_key()
    {
        var before = cluster.Denied.Of("tenant-mismatch");
        using var tenant = TenantContext.Enter(TeamA);

        var refused = await Assert.ThrowsAsync<TenantAccessDeniedException>(
            async () => await cluster.Grains.GetGrain<ISessionGrain>("team-b/strategy-meeting").GetSummary());

        Assert.Equal("tenant-mismatch", refused.Reason);
        Assert.DoesNotContain("strategy-meeting", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before + 1, cluster.Denied.Of("tenant-mismatch"));
        Assert.Contains(cluster.Logs.Denials, m => m.StartsWith("Refused a grain call (tenant-mismatch): a session grain of tenant team-b called for tenant team-a", StringComparison.Ordinal));
        Assert.DoesNotContain(cluster.Logs.Denials, m => m.Contains("strategy-meeting", StringComparison.Ordinal));

        // The caller's own session answers.
        await cluster.Grains.GetGrain<ISessionGrain>("team-a/strategy-meeting").GetSummary();
    }

    [Fact]
    public async Task A_call_with_no_tenant_is_refused_whatever_kind_of_tenant_grain_it_addresses()
    {
        Assert.Null(TenantContext.Current);
        var before = cluster.Denied.Of("no-tenant");

        var calls = new Func<Task>[]
        {
            async () => await cluster.Grains.GetGrain<ISessionGrain>("team-a/quiet").GetSummary(),
            async () => await cluster.Grains.GetGrain<ICarGrain>("team-a/quiet/44").GetView(),
            async () => await cluster.Grains.GetGrain<IStintGrain>("team-a/quiet/44/1").GetView(),
            async () => await cluster.Grains.GetGrain<IStrategyPlannerGrain>("team-a/quiet/44").GetPlan(TimeSpan.Zero),
            // Keyed by the tenant alone.
            async () => await cluster.Grains.GetGrain<ISessionCatalogGrain>("team-a").List(),
        };
        foreach (var call in calls)
        {
            var refused = await Assert.ThrowsAsync<TenantAccessDeniedException>(call);
            Assert.Equal("no-tenant", refused.Reason);
        }

        Assert.Equal(before + calls.Length, cluster.Denied.Of("no-tenant"));

        // With the tenant, the catalogue keyed by the tenant alone answers; a grain outside any tenant needs none.
        using (TenantContext.Enter(TeamA))
        {
            Assert.Empty(await cluster.Grains.GetGrain<ISessionCatalogGrain>("team-a").List());
        }

        await cluster.Grains.GetGrain<IModelRolloutGrain>(IModelRolloutGrain.Key).Get();
    }

    [Fact]
    public async Task A_malformed_tenant_in_the_context_is_refused_and_never_read_as_a_tenant()
    {
        var before = cluster.Denied.Of("malformed-tenant");
        object[] malformed = [42, "Team-A", "team-a/other", "", TeamA];
        foreach (var value in malformed)
        {
            RequestContext.Set(TenantContext.Key, value);
            try
            {
                Assert.Null(TenantContext.Current);
                var refused = await Assert.ThrowsAsync<TenantAccessDeniedException>(
                    async () => await cluster.Grains.GetGrain<ISessionGrain>("team-a/quiet").GetSummary());
                Assert.Equal("malformed-tenant", refused.Reason);
            }
            finally
            {
                RequestContext.Remove(TenantContext.Key);
            }
        }

        Assert.Equal(before + malformed.Length, cluster.Denied.Of("malformed-tenant"));
    }

    [Fact]
    public async Task A_tenant_s_grain_cannot_reach_another_tenant_s_grain_even_by_setting_the_context_to_that_tenant()
    {
        using var tenant = TenantContext.Enter(TeamA);
        var probe = cluster.Grains.GetGrain<ITenantProbeGrain>("team-a/probe");
        var before = cluster.Denied.Of("source-mismatch");

        var spoofed = await Assert.ThrowsAsync<TenantAccessDeniedException>(() => probe.SessionSummary("team-b/quiet", actAs: "team-b"));
        Assert.Equal("source-mismatch", spoofed.Reason);
        var plain = await Assert.ThrowsAsync<TenantAccessDeniedException>(() => probe.SessionSummary("team-b/quiet", actAs: null));
        Assert.Equal("source-mismatch", plain.Reason);
        Assert.Equal(before + 2, cluster.Denied.Of("source-mismatch"));

        // Its own tenant's grains it reaches, with the context or with none (its key says for whom it acts); it
        // cannot act for another tenant towards its own tenant's grains either.
        await probe.SessionSummary("team-a/quiet", actAs: null);
        await probe.SessionSummary("team-a/quiet", actAs: null, clearContext: true);
        var mismatch = await Assert.ThrowsAsync<TenantAccessDeniedException>(() => probe.SessionSummary("team-a/quiet", actAs: "team-b"));
        Assert.Equal("tenant-mismatch", mismatch.Reason);
    }

    [Fact]
    public async Task A_refused_call_sets_nothing_going_in_the_grain_it_activated()
    {
        // Orleans activates the target before any call filter runs: the planner therefore starts following its
        // session and planning on its first admitted call, not on activation.
        var planner = cluster.Grains.GetGrain<IStrategyPlannerGrain>("team-a/untouched/44");
        using (TenantContext.Enter(TeamB))
        {
            var refused = await Assert.ThrowsAsync<TenantAccessDeniedException>(async () => await planner.GetPlan(TimeSpan.Zero));
            Assert.Equal("tenant-mismatch", refused.Reason);
        }

        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        using var tenant = TenantContext.Enter(TeamA);
        Assert.Null(await planner.GetPlan(TimeSpan.Zero));
        Assert.NotNull(await planner.GetPlan(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_grain_timer_reaches_its_own_tenant_s_grains_and_not_another_s()
    {
        using var tenant = TenantContext.Enter(TeamA);
        var probe = cluster.Grains.GetGrain<ITenantProbeGrain>("team-a/timer-probe");

        Assert.Equal("ok", await TimerOutcome(probe, "team-a/quiet"));
        Assert.Equal("refused: source-mismatch", await TimerOutcome(probe, "team-b/quiet"));
    }

    [Fact]
    public async Task A_key_that_does_not_begin_with_a_tenant_is_refused()
    {
        using var tenant = TenantContext.Enter(TeamA);
        var refused = await Assert.ThrowsAsync<TenantAccessDeniedException>(
            () => cluster.Grains.GetGrain<ITenantProbeGrain>("Team A/probe").SessionSummary("team-a/quiet", actAs: null));
        Assert.Equal("invalid-key", refused.Reason);
    }

    [Fact]
    public void The_tenant_context_restores_what_was_set_before_and_keys_give_their_tenant()
    {
        Assert.Null(TenantContext.Current);
        using (TenantContext.Enter(TeamA))
        {
            Assert.Equal(TeamA, TenantContext.Current);
            using (TenantContext.Enter(TeamB))
            {
                Assert.Equal(TeamB, TenantContext.Current);
            }

            Assert.Equal(TeamA, TenantContext.Current);
        }

        Assert.Null(RequestContext.Get(TenantContext.Key));
        Assert.Throws<ArgumentException>(() => TenantContext.Enter(default));

        Assert.True(TenantKeys.TryGetTenant("team-a", out var alone));
        Assert.Equal(TeamA, alone);
        Assert.True(TenantKeys.TryGetTenant("team-a/bahrain/44/2", out var nested));
        Assert.Equal(TeamA, nested);
        foreach (var bad in new[] { null, "", "/team-a", "Team-A/x", "team a/x" })
        {
            Assert.False(TenantKeys.TryGetTenant(bad, out _), bad);
        }
    }

    private async Task AssertWholeRace(SessionKey session)
    {
        // Abu Dhabi 2021: 19 starters (Mazepin withdrew), 58 laps, the leader's laps all reached its car grain.
        var classification = await cluster.Grains.GetGrain<ISessionGrain>(session.ToString()).GetClassification();
        Assert.Equal(19, classification.Rows.Count);
        Assert.Equal(SessionPhase.Ended, classification.Phase);
        Assert.Equal(58, classification.Rows[0].Laps);
        var laps = await cluster.Grains.GetGrain<ICarGrain>(session.Car(classification.Rows[0].Car).ToString()).GetLaps();
        Assert.Equal(58, laps.Count);
    }

    private static async Task<string> TimerOutcome(ITenantProbeGrain probe, string sessionKey)
    {
        await probe.CallFromTimer(sessionKey);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await probe.TimerOutcome() is { } outcome)
            {
                return outcome;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the timer never fired");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>A tenant's grain for the tests: calls a session grain directly, acting as told, or from a grain timer.</summary>
public interface ITenantProbeGrain : IGrainWithStringKey
{
    /// <summary>Calls the session with <paramref name="actAs"/> entered as the tenant (when given), or with no tenant in the context.</summary>
    Task<SessionSummary?> SessionSummary(string sessionKey, string? actAs, bool clearContext = false);

    /// <summary>Calls the session once from a grain timer; <see cref="TimerOutcome"/> says how it went.</summary>
    Task CallFromTimer(string sessionKey);

    Task<string?> TimerOutcome();
}

public sealed class TenantProbeGrain : Grain, ITenantProbeGrain, ITenantScopedGrain
{
    private string? _timerOutcome;

    public async Task<SessionSummary?> SessionSummary(string sessionKey, string? actAs, bool clearContext = false)
    {
        using var actingAs = actAs is null ? null : TenantContext.Enter(new TenantId(actAs));
        if (clearContext)
        {
            RequestContext.Remove(TenantContext.Key);
        }

        return await GrainFactory.GetGrain<ISessionGrain>(sessionKey).GetSummary();
    }

    public Task CallFromTimer(string sessionKey)
    {
        _timerOutcome = null;
        this.RegisterGrainTimer(
            async _ =>
            {
                try
                {
                    await GrainFactory.GetGrain<ISessionGrain>(sessionKey).GetSummary();
                    _timerOutcome = "ok";
                }
                catch (TenantAccessDeniedException refused)
                {
                    _timerOutcome = $"refused: {refused.Reason}";
                }
            },
            new GrainTimerCreationOptions(TimeSpan.FromMilliseconds(10), Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    public Task<string?> TimerOutcome() => Task.FromResult(_timerOutcome);
}

/// <summary><c>stratx.grain_calls.denied</c> as every silo in this process records it, by reason.</summary>
public sealed class DeniedCalls : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _byReason = new(StringComparer.Ordinal);

    public DeniedCalls()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StratXMetrics.MeterName && instrument.Name == "stratx.grain_calls.denied")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    _byReason.AddOrUpdate((string)tag.Value!, value, (_, total) => total + value);
                }
            }
        });
        _listener.Start();
    }

    public long Total => _byReason.Values.Sum();

    public long Of(string reason) => _byReason.GetValueOrDefault(reason);

    public void Dispose() => _listener.Dispose();
}

/// <summary>The tenant call filter's warnings, as the silos log them.</summary>
public sealed class TenantLogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _denials = new();

    public IReadOnlyCollection<string> Denials => _denials;

    public ILogger CreateLogger(string categoryName) =>
        categoryName == typeof(TenantCallFilter).FullName ? new Capturing(_denials) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Capturing(ConcurrentQueue<string> denials) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                denials.Enqueue(formatter(state, exception));
            }
        }
    }
}
