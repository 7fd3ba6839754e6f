using StratX.Grains.Security;
using StratX.Grains.Views;

namespace StratX.Grains.Sessions;

[GenerateSerializer]
public sealed class SessionCatalogState
{
    [Id(0)]
    public Dictionary<string, SessionListing> Sessions { get; set; } = [];
}

/// <summary>The list of a tenant's sessions, keyed "{tenant}".</summary>
public sealed class SessionCatalogGrain(
    [PersistentState("catalog", OrleansNames.RaceStateStorage)] IPersistentState<SessionCatalogState> state)
    : Grain, ISessionCatalogGrain, ITenantScopedGrain
{
    public async ValueTask Register(SessionListing listing)
    {
        if (listing.Session.Tenant.Value != this.GetPrimaryKeyString())
        {
            throw new ArgumentException($"Session {listing.Session} does not belong to tenant {this.GetPrimaryKeyString()}.", nameof(listing));
        }

        if (state.State.Sessions.TryAdd(listing.Session.Session.Value, listing))
        {
            await state.WriteStateAsync();
        }
    }

    public ValueTask<IReadOnlyList<SessionListing>> List() =>
        ValueTask.FromResult<IReadOnlyList<SessionListing>>([.. state.State.Sessions.Values.OrderByDescending(s => s.CreatedAt)]);

    public ValueTask<SessionListing?> Find(string sessionId) =>
        ValueTask.FromResult(state.State.Sessions.GetValueOrDefault(sessionId));
}
