namespace StratX.Grains.Tenancy;

/// <summary>
/// One team's account, keyed "{tenant}": whether it exists, its API keys (only their hashes) and its quotas.
/// The operator creates it; from then on only the tenant's own admins change it.
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    ValueTask<TenantInfo?> Get();

    /// <summary>Creates the tenant with its first admin key; false when the tenant exists already.</summary>
    ValueTask<bool> Create(StoredApiKey firstAdminKey, TenantQuotas? quotas);

    /// <summary>Makes sure the tenant exists without keys (the embedded default's demo tenant).</summary>
    ValueTask EnsureExists();

    /// <summary>Stores a new key; fails when the tenant does not exist, the id is taken or the tenant has too many keys.</summary>
    ValueTask AddKey(StoredApiKey key);

    ValueTask<IReadOnlyList<ApiKeyInfo>> ListKeys();

    /// <summary>Revokes a key for good; false when the tenant has no such key.</summary>
    ValueTask<bool> RevokeKey(string keyId);

    /// <summary>The role of an active key whose secret hashes to <paramref name="secretHash"/>; null otherwise.</summary>
    ValueTask<TenantRole?> Verify(string keyId, byte[] secretHash);

    /// <summary>Whether a key is still active (tokens exchanged for a key die with it).</summary>
    ValueTask<bool> IsActive(string keyId);

    ValueTask<TenantQuotas?> GetQuotas();

    ValueTask SetQuotas(TenantQuotas quotas);

    /// <summary>
    /// Takes one of the tenant's simulation slots for the whole cluster, held until released or until
    /// <paramref name="lease"/> has passed (so a node that dies mid-simulation does not hold it for ever); null
    /// when <paramref name="limit"/> slots are held.
    /// </summary>
    ValueTask<string?> TakeSimulationSlot(int limit, TimeSpan lease);

    ValueTask ReleaseSimulationSlot(string slot);

    /// <summary>Simulation slots held now, expired leases left out.</summary>
    ValueTask<int> SimulationSlotsHeld();
}

/// <summary>What a tenant member may do; each role includes the ones before it.</summary>
public enum TenantRole
{
    /// <summary>Reads live state and joins the hub.</summary>
    Viewer,

    /// <summary>Also starts replays, what-ifs and simulations.</summary>
    Strategist,

    /// <summary>Also manages API keys.</summary>
    Admin,
}

/// <summary>An API key as stored: its id, what it may do, and the SHA-256 of its secret (never the secret).</summary>
[GenerateSerializer, Immutable]
public sealed record StoredApiKey
{
    [Id(0)]
    public required string Id { get; init; }

    [Id(1)]
    public required string Name { get; init; }

    [Id(2)]
    public required TenantRole Role { get; init; }

    [Id(3)]
    public required byte[] SecretHash { get; init; }

    [Id(4)]
    public required DateTimeOffset CreatedAt { get; init; }

    [Id(5)]
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>An API key as shown to its tenant's admins: everything but the secret's hash.</summary>
[GenerateSerializer, Immutable]
public sealed record ApiKeyInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] TenantRole Role,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] DateTimeOffset? RevokedAt);

[GenerateSerializer, Immutable]
public sealed record TenantInfo(
    [property: Id(0)] string Tenant,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] int ActiveKeys);

/// <summary>How much of the shared platform one tenant may use at once, so that one team cannot starve another.</summary>
[GenerateSerializer, Immutable]
public sealed record TenantQuotas
{
    /// <summary>Sessions replaying or ingesting at the same time.</summary>
    [Id(0)]
    public int ConcurrentSessions { get; init; } = 3;

    /// <summary>Simulations (what-ifs, comparisons) running at the same time.</summary>
    [Id(1)]
    public int ConcurrentSimulations { get; init; } = 1;

    /// <summary>
    /// Input events (timing and race-control events, telemetry samples) per second one replay of this tenant may
    /// publish; a faster replay is held down to it. At the default a full race with every car's telemetry (about
    /// 740,000 events) replays in about 37 s, and three of them leave another team's live race on a 2-core node
    /// as fast as before (the noisy-tenant benchmark, docs/PERFORMANCE.md).
    /// </summary>
    [Id(2)]
    public int ReplayEventsPerSecond { get; init; } = 20_000;
}
