using StratX.Domain.Identity;
using StratX.Grains;
using StratX.Grains.Security;
using StratX.Grains.Tenancy;

namespace StratX.Server.Security;

/// <summary>
/// Holds every tenant to its quotas (<see cref="TenantQuotas"/>: the tenant's own, set by the operator, or the
/// defaults in <c>StratX:Quotas</c>) where work is asked for: a replay beyond the concurrent-session quota and a
/// simulation beyond the concurrent-simulation quota get 429 instead of taking CPU another team needs.
/// </summary>
public sealed class TenantQuotaGuard(IGrainFactory grains, TenantQuotas defaults)
{
    public const string Section = "StratX:Quotas";

    /// <summary>
    /// The longest a simulation slot stays held without being given back: longer than any simulation the API
    /// allows, short enough that a node dying mid-simulation does not lock its tenant out for long.
    /// </summary>
    public static readonly TimeSpan SimulationLease = TimeSpan.FromMinutes(5);

    public TenantQuotas Defaults => defaults;

    public static TenantQuotas DefaultsFrom(IConfiguration config)
    {
        var quotas = config.GetSection(Section).Get<TenantQuotas>() ?? new TenantQuotas();
        return Validate(quotas) is { } error ? throw new InvalidOperationException($"{Section}: {error}") : quotas;
    }

    /// <summary>Why a set of quotas is not usable; null when it is.</summary>
    public static string? Validate(TenantQuotas quotas) =>
        quotas.ConcurrentSessions < 1 || quotas.ConcurrentSimulations < 1 || quotas.ReplayEventsPerSecond < 1
            ? "ConcurrentSessions, ConcurrentSimulations and ReplayEventsPerSecond must each be 1 or more."
            : null;

    public async Task<TenantQuotas> For(TenantId tenant)
    {
        using var scope = TenantContext.Enter(tenant);
        return await grains.GetGrain<ITenantGrain>(tenant.Value).GetQuotas() ?? defaults;
    }

    /// <summary>The tenant's sessions whose replay is still running.</summary>
    public async Task<int> RunningSessions(TenantId tenant)
    {
        using var scope = TenantContext.Enter(tenant);
        return await grains.GetGrain<ISessionCatalogGrain>(tenant.Value).RunningReplays();
    }

    /// <summary>
    /// Takes one of the tenant's simulation slots, counted for the whole cluster by the tenant's grain; null when
    /// all are in use. Dispose the slot when the simulation ends; a slot its node never gives back (the node died)
    /// frees itself after <see cref="SimulationLease"/>.
    /// </summary>
    public async Task<IAsyncDisposable?> TryStartSimulation(TenantId tenant)
    {
        var limit = (await For(tenant)).ConcurrentSimulations;
        using var scope = TenantContext.Enter(tenant);
        var grain = grains.GetGrain<ITenantGrain>(tenant.Value);
        return await grain.TakeSimulationSlot(limit, SimulationLease) is { } slot ? new Slot(grain, tenant, slot) : null;
    }

    /// <summary>The answer when a tenant's simulation slots are all in use.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult SimulationsBusy() => TypedResults.Problem(
        detail: "This tenant's simulations are all running (its ConcurrentSimulations quota); try again when one has finished.",
        statusCode: StatusCodes.Status429TooManyRequests,
        title: "Simulation quota in use");

    /// <summary>The answer when a tenant's replays already use its session quota.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult SessionsBusy(int limit) => TypedResults.Problem(
        detail: $"This tenant already runs {limit} replays (its ConcurrentSessions quota); stop one or wait for one to finish.",
        statusCode: StatusCodes.Status429TooManyRequests,
        title: "Session quota in use");

    /// <summary>Simulations running now for the tenant across the cluster (for the quota view).</summary>
    public async Task<int> RunningSimulations(TenantId tenant)
    {
        using var scope = TenantContext.Enter(tenant);
        return await grains.GetGrain<ITenantGrain>(tenant.Value).SimulationSlotsHeld();
    }

    private sealed class Slot(ITenantGrain grain, TenantId tenant, string id) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                using var scope = TenantContext.Enter(tenant);
                await grain.ReleaseSimulationSlot(id);
            }
        }
    }
}
