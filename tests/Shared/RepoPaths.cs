namespace StratX.Tests;

/// <summary>Where the repository's own files are, found from the test's output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    /// <summary>The data the project ships (data/).</summary>
    public static string Data => Path.Combine(Root, "data");

    public static string BahrainOpenF1 => Path.Combine(Data, "openf1", "2023-bahrain-race");

    public static string FastF1Laps2021 => Path.Combine(Data, "fastf1-laps", "race_laps_2021.csv");

    public static string History => Path.Combine(Data, "history");

    /// <summary>The shared data beside the repository (../shared/data); test-only sets live there.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StratX.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"StratX.sln not found above {AppContext.BaseDirectory}.");
    }
}
