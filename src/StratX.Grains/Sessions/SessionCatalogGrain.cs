using StratX.Domain.Identity;
using StratX.Grains.Ingestion;
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

    public async ValueTask<int> RunningReplays(SessionKey? except = null)
    {
        var running = 0;
        foreach (var listing in state.State.Sessions.Values)
        {
            if (listing.Session != except && await GrainFactory.GetGrain<ISessionGrain>(listing.Session.ToString()).GetIngestion() is { IsFinished: false })
            {
                running++;
            }
        }

        return running;
    }

    public async ValueTask<IngestionStatus?> StartReplay(SessionListing listing, ReplayRequest request, int concurrentSessions)
    {
        if (request.Session != listing.Session)
        {
            throw new ArgumentException($"A replay for {request.Session} was listed as {listing.Session}.", nameof(request));
        }

        if (await RunningReplays(except: listing.Session) >= concurrentSessions)
        {
            return null;
        }

        var status = await GrainFactory.GetGrain<ISessionGrain>(listing.Session.ToString()).StartReplay(request);
        await Register(listing);
        return status;
    }

    public ValueTask<IReadOnlyList<SessionListing>> List() =>
        ValueTask.FromResult<IReadOnlyList<SessionListing>>([.. state.State.Sessions.Values.OrderByDescending(s => s.CreatedAt)]);

    public ValueTask<SessionListing?> Find(string sessionId) =>
        ValueTask.FromResult(state.State.Sessions.GetValueOrDefault(sessionId));
}
