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

    /// <summary>
    /// The race lap files of a --data folder and --seasons list, or false after saying on stderr what is wrong
    /// (no such folder, a bad list, no files of those seasons).
    /// </summary>
    public static bool TryResolve(string command, string folder, string? seasonsText, out List<string> files, out List<int> seasons)
    {
        files = [];
        if (!TryParseList(seasonsText, int.Parse, out seasons))
        {
            Console.Error.WriteLine($"stratx {command}: --seasons takes years, comma-separated.");
            return false;
        }

        if (!Directory.Exists(folder))
        {
            Console.Error.WriteLine($"stratx {command}: there is no folder {folder}.");
            return false;
        }

        files = Find(folder, seasons);
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"stratx {command}: no race_laps_YYYY.csv{(seasons.Count > 0 ? " of those seasons" : "")} in {folder}.");
            return false;
        }

        return true;
    }

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
