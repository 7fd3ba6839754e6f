using StratX.Domain.Identity;
using StratX.Grains.Ingestion;
using StratX.Grains.Views;

namespace StratX.Grains;

/// <summary>The sessions of one tenant, keyed "{tenant}".</summary>
public interface ISessionCatalogGrain : IGrainWithStringKey
{
    ValueTask Register(SessionListing listing);

    ValueTask<IReadOnlyList<SessionListing>> List();

    ValueTask<SessionListing?> Find(string sessionId);

    /// <summary>The tenant's sessions whose replay is still running, <paramref name="except"/> left out.</summary>
    ValueTask<int> RunningReplays(SessionKey? except = null);

    /// <summary>
    /// Starts <paramref name="request"/> in the listed session and lists it, unless the tenant already runs
    /// <paramref name="concurrentSessions"/> replays in its other sessions: then null and nothing starts. The
    /// catalog takes one call at a time, so a start is counted before the next start counts: two starts at the
    /// same instant cannot both take the last place. A replay already running in the session throws
    /// <see cref="ReplayAlreadyRunningException"/>.
    /// </summary>
    ValueTask<IngestionStatus?> StartReplay(SessionListing listing, ReplayRequest request, int concurrentSessions);
}
