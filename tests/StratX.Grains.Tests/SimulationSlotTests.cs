using StratX.Domain.Identity;
using StratX.Grains.Security;
using StratX.Grains.Tenancy;

namespace StratX.Grains.Tests;

/// <summary>A tenant's simulation slots, held by its one grain for the whole cluster, whichever silo asks.</summary>
public sealed class SimulationSlotTests(TwoSiloCluster cluster) : IClassFixture<TwoSiloCluster>
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_tenant_holds_no_more_slots_than_its_limit_until_one_is_released_or_its_lease_runs_out()
    {
        var tenant = new TenantId("slot-team");
        using var scope = TenantContext.Enter(tenant);
        var grain = cluster.Grains.GetGrain<ITenantGrain>(tenant.Value);

        var first = await grain.TakeSimulationSlot(2, Long);
        var second = await grain.TakeSimulationSlot(2, Long);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.Null(await grain.TakeSimulationSlot(2, Long));
        Assert.Equal(2, await grain.SimulationSlotsHeld());

        // Given back, a slot can be taken again; giving it back twice frees nothing more.
        await grain.ReleaseSimulationSlot(first!);
        await grain.ReleaseSimulationSlot(first!);
        Assert.Equal(1, await grain.SimulationSlotsHeld());
        var third = await grain.TakeSimulationSlot(2, TimeSpan.FromMilliseconds(300));
        Assert.NotNull(third);
        Assert.Null(await grain.TakeSimulationSlot(2, Long));

        // A slot never given back (its node died mid-simulation) frees itself when its lease runs out.
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        Assert.Equal(1, await grain.SimulationSlotsHeld());
        Assert.NotNull(await grain.TakeSimulationSlot(2, Long));

        // Another tenant's slots are its own.
        var other = new TenantId("slot-other");
        using var otherScope = TenantContext.Enter(other);
        Assert.NotNull(await cluster.Grains.GetGrain<ITenantGrain>(other.Value).TakeSimulationSlot(1, Long));
    }
}
