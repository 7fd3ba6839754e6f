using System.Globalization;
using StratX.Ingestion.FastF1;

namespace StratX.Cli.Commands;

/// <summary>The FastF1 season lap files in a folder, and the comma-separated lists the commands take.</summary>
internal static class SeasonFiles
{
    /// <summary>race_laps_YYYY.csv files in season order, only the listed seasons when there are any.</summary>
    public static List<string> Find(string folder, IReadOnlyCollection<int> seasons, string pattern = "race_laps_*.csv") =>
        [.. Directory.GetFiles(folder, pattern)
            .Where(f => FastF1Recording.SeasonOf(f) is { } s && (seasons.Count == 0 || seasons.Contains(s)))
            .Order(StringComparer.Ordinal)];

    public static bool TryParseList<T>(string? text, Func<string, IFormatProvider, T> parse, out List<T> values)
    {
        values = [];
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        try
        {
            values = [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => parse(t, CultureInfo.InvariantCulture))];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
