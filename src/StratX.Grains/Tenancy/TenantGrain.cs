using System.Security.Cryptography;
using StratX.Grains.Security;

namespace StratX.Grains.Tenancy;

[GenerateSerializer]
public sealed class TenantState
{
    [Id(0)]
    public DateTimeOffset? CreatedAt { get; set; }

    [Id(1)]
    public Dictionary<string, StoredApiKey> Keys { get; set; } = [];

    [Id(2)]
    public TenantQuotas? Quotas { get; set; }
}

/// <summary>A tenant's account, keyed "{tenant}", persisted with the race state.</summary>
public sealed class TenantGrain(
    [PersistentState("tenant", OrleansNames.RaceStateStorage)] IPersistentState<TenantState> state,
    TimeProvider time)
    : Grain, ITenantGrain, ITenantScopedGrain
{
    /// <summary>Keys a tenant may hold, revoked ones included (they stay listed so their use can be traced).</summary>
    public const int MaxKeys = 200;

    /// <summary>Simulation slots held, by id, with the end of their lease; not persisted (a lease outlives no node).</summary>
    private readonly Dictionary<string, DateTimeOffset> _simulationSlots = [];

    public ValueTask<TenantInfo?> Get() => ValueTask.FromResult(
        state.State.CreatedAt is { } created
            ? new TenantInfo(this.GetPrimaryKeyString(), created, state.State.Keys.Values.Count(k => k.RevokedAt is null))
            : null);

    public async ValueTask<bool> Create(StoredApiKey firstAdminKey, TenantQuotas? quotas)
    {
        if (state.State.CreatedAt is not null)
        {
            return false;
        }

        if (firstAdminKey.Role != TenantRole.Admin)
        {
            throw new ArgumentException("A tenant's first key is an admin key.", nameof(firstAdminKey));
        }

        state.State.CreatedAt = time.GetUtcNow();
        state.State.Keys[firstAdminKey.Id] = firstAdminKey;
        state.State.Quotas = quotas;
        await state.WriteStateAsync();
        return true;
    }

    public async ValueTask EnsureExists()
    {
        if (state.State.CreatedAt is null)
        {
            state.State.CreatedAt = time.GetUtcNow();
            await state.WriteStateAsync();
        }
    }

    public async ValueTask AddKey(StoredApiKey key)
    {
        if (state.State.CreatedAt is null)
        {
            throw new InvalidOperationException($"Tenant {this.GetPrimaryKeyString()} does not exist.");
        }

        if (state.State.Keys.Count >= MaxKeys)
        {
            throw new InvalidOperationException($"A tenant holds at most {MaxKeys} keys.");
        }

        if (!state.State.Keys.TryAdd(key.Id, key with { RevokedAt = null }))
        {
            throw new InvalidOperationException($"Key id {key.Id} is taken.");
        }

        await state.WriteStateAsync();
    }

    public ValueTask<IReadOnlyList<ApiKeyInfo>> ListKeys() => ValueTask.FromResult<IReadOnlyList<ApiKeyInfo>>(
        [.. state.State.Keys.Values.OrderBy(k => k.CreatedAt).Select(k => new ApiKeyInfo(k.Id, k.Name, k.Role, k.CreatedAt, k.RevokedAt))]);

    public async ValueTask<bool> RevokeKey(string keyId)
    {
        if (!state.State.Keys.TryGetValue(keyId, out var key))
        {
            return false;
        }

        if (key.RevokedAt is null)
        {
            state.State.Keys[keyId] = key with { RevokedAt = time.GetUtcNow() };
            await state.WriteStateAsync();
        }

        return true;
    }

    public ValueTask<TenantRole?> Verify(string keyId, byte[] secretHash) => ValueTask.FromResult<TenantRole?>(
        state.State.Keys.TryGetValue(keyId, out var key) && key.RevokedAt is null && CryptographicOperations.FixedTimeEquals(key.SecretHash, secretHash)
            ? key.Role
            : null);

    public ValueTask<bool> IsActive(string keyId) =>
        ValueTask.FromResult(state.State.Keys.TryGetValue(keyId, out var key) && key.RevokedAt is null);

    public ValueTask<TenantQuotas?> GetQuotas() => ValueTask.FromResult(state.State.Quotas);

    public async ValueTask SetQuotas(TenantQuotas quotas)
    {
        state.State.Quotas = quotas;
        await state.WriteStateAsync();
    }

    public ValueTask<string?> TakeSimulationSlot(int limit, TimeSpan lease)
    {
        if (HeldSlots() >= limit)
        {
            return ValueTask.FromResult<string?>(null);
        }

        var slot = Guid.NewGuid().ToString("N");
        _simulationSlots[slot] = time.GetUtcNow() + lease;
        return ValueTask.FromResult<string?>(slot);
    }

    public ValueTask ReleaseSimulationSlot(string slot)
    {
        _simulationSlots.Remove(slot);
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> SimulationSlotsHeld() => ValueTask.FromResult(HeldSlots());

    private int HeldSlots()
    {
        var now = time.GetUtcNow();
        foreach (var expired in _simulationSlots.Where(s => s.Value <= now).Select(s => s.Key).ToList())
        {
            _simulationSlots.Remove(expired);
        }

        return _simulationSlots.Count;
    }
}
