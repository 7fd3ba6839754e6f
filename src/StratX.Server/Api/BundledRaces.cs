using StratX.Grains.Ingestion;
using StratX.Ingestion.Catalog;

namespace StratX.Server.Api;

/// <summary>The races shipped with the server (data/), by id.</summary>
public sealed class BundledRaces(RaceCatalog catalog)
{
    public IReadOnlyList<CatalogRace> All => catalog.Races;

    public static BundledRaces Load(string dataRoot) => new(RaceCatalog.Scan(dataRoot));

    public bool TryFind(string id, out BundledRace race)
    {
        race = null!;
        if (!catalog.TryFind(id, out var entry))
        {
            return false;
        }

        race = new BundledRace(entry.Id, entry.Name, new RecordingLocation
        {
            Format = entry.Format,
            Path = entry.Path,
            Round = entry.Round,
            CatalogId = entry.Id,
        });
        return true;
    }
}

public sealed record BundledRace(string Id, string Name, RecordingLocation Location);
