using StratX.Grains.Views;

namespace StratX.Grains;

/// <summary>The sessions of one tenant, keyed "{tenant}".</summary>
public interface ISessionCatalogGrain : IGrainWithStringKey
{
    ValueTask Register(SessionListing listing);

    ValueTask<IReadOnlyList<SessionListing>> List();

    ValueTask<SessionListing?> Find(string sessionId);
}
