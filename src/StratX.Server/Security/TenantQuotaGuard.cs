using System.Collections.Concurrent;
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

    private readonly ConcurrentDictionary<TenantId, StrongBox> _simulations = new();

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

    /// <summary>Takes one of the tenant's simulation slots; null when all are in use. Dispose the slot when the simulation ends.</summary>
    public async Task<IDisposable?> TryStartSimulation(TenantId tenant)
    {
        var limit = (await For(tenant)).ConcurrentSimulations;
        var box = _simulations.GetOrAdd(tenant, _ => new StrongBox());
        while (true)
        {
            var running = Volatile.Read(ref box.Running);
            if (running >= limit)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref box.Running, running + 1, running) == running)
            {
                return new Slot(box);
            }
        }
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

    /// <summary>Simulations running now per tenant (for the quota view).</summary>
    public int RunningSimulations(TenantId tenant) => _simulations.TryGetValue(tenant, out var box) ? Volatile.Read(ref box.Running) : 0;

    private sealed class StrongBox
    {
        public int Running;
    }

    private sealed class Slot(StrongBox box) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref box.Running);
            }
        }
    }
}
