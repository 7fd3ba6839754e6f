using System.Globalization;
using System.Text;
using StratX.Domain.Recordings;
using StratX.Ingestion.FastF1;

namespace StratX.Ingestion.Catalog;

/// <summary>A race that ships with StratX and can be replayed by id.</summary>
public sealed record CatalogRace(string Id, string Name, int Season, int? Round, RecordingFormat Format, string Path);

/// <summary>
/// The races under a data folder: every OpenF1 race folder (data/openf1/&lt;race&gt;/) and every round of
/// every FastF1 season file (data/fastf1-laps/race_laps_YYYY.csv).
/// </summary>
public sealed class RaceCatalog
{
    private readonly Dictionary<string, CatalogRace> _byId;

    private RaceCatalog(List<CatalogRace> races)
    {
        Races = races;
        _byId = races.ToDictionary(r => r.Id, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<CatalogRace> Races { get; }

    public bool TryFind(string id, out CatalogRace race) => _byId.TryGetValue(id, out race!);

    public static RaceCatalog Scan(string dataRoot)
    {
        var races = new List<CatalogRace>();
        var openF1 = Path.Combine(dataRoot, "openf1");
        if (Directory.Exists(openF1))
        {
            foreach (var folder in Directory.GetDirectories(openF1).Order(StringComparer.Ordinal))
            {
                if (File.Exists(Path.Combine(folder, "openf1_json", "laps.json")))
                {
                    var id = System.IO.Path.GetFileName(folder);
                    var season = int.TryParse(id.AsSpan(0, Math.Min(4, id.Length)), NumberStyles.None, CultureInfo.InvariantCulture, out var year) ? year : 0;
                    races.Add(new CatalogRace(id, Title(id), season, null, RecordingFormat.OpenF1Folder, folder));
                }
            }
        }

        var fastF1 = Path.Combine(dataRoot, "fastf1-laps");
        if (Directory.Exists(fastF1))
        {
            foreach (var file in Directory.GetFiles(fastF1, "race_laps_*.csv").Order(StringComparer.Ordinal))
            {
                if (FastF1Recording.SeasonOf(file) is not { } season)
                {
                    continue;
                }

                foreach (var (round, name) in FastF1Recording.Rounds(file))
                {
                    var id = $"{season}-{round:00}-{Slug(name)}";
                    races.Add(new CatalogRace(id, $"{season} {name}", season, round, RecordingFormat.FastF1Laps, file));
                }
            }
        }

        return new RaceCatalog(races);
    }

    /// <summary>"Abu Dhabi Grand Prix" → "abu-dhabi-grand-prix".</summary>
    public static string Slug(string text)
    {
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if ((char.IsWhiteSpace(c) || c is '-' or '_') && slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        return slug.ToString().Trim('-');
    }

    private static string Title(string folderName)
    {
        // "2023-bahrain-race" → "2023 Bahrain Race"
        var words = folderName.Split('-', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }
}
