namespace StratX.Ingestion.History;

/// <summary>Finds the history tables that go with a data file: a "history" folder beside it or beside one of its parents.</summary>
public static class HistoryLocator
{
    public static string? FindFor(string dataPath)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(dataPath)); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "history");
            if (File.Exists(Path.Combine(candidate, "races.csv")) && File.Exists(Path.Combine(candidate, "results.csv")))
            {
                return candidate;
            }
        }

        return null;
    }
}
