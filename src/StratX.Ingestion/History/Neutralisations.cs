using StratX.Ingestion.Parsing;
using StratX.Ingestion.Validation;

namespace StratX.Ingestion.History;

public enum NeutralisationKind
{
    SafetyCar,
    VirtualSafetyCar,
    RedFlag,
}

/// <summary>
/// One neutralisation of a race as the history tables record it, in the leader's laps.
/// </summary>
/// <param name="DeployedLap">The leader lap during which it was deployed (for a red flag, the lap it was shown).</param>
/// <param name="GreenLap">
/// The leader lap during which the race went green again; null when it never did (still out at the
/// finish, or a red-flagged race that was not resumed). A safety car's <c>Retreated</c> lap: the race restarts
/// as the leader starts it. A VSC's <c>Retreated</c> lap: the VSC ends during it. A resumed red flag: the lap after.
/// </param>
/// <param name="File">The table it came from, with <paramref name="Line"/> the line in it.</param>
public sealed record Neutralisation(NeutralisationKind Kind, int DeployedLap, int? GreenLap, string File, long Line);

/// <summary>
/// The neutralisation tables of the results history (safety_cars.csv, virtual_safety_cars.csv, red_flags.csv;
/// TracingInsights/RaceData, CC0), read for one race. Rows are matched by the race's full name
/// ("2024 Chinese Grand Prix"). A malformed row anywhere in a file is rejected with its line and reason; the
/// rest of the file still applies. A missing file is a warning, not an error: the race simply has no track
/// status from it.
/// </summary>
/// <remarks>
/// The two lap tables count differently, as their FullLaps columns show. In safety_cars.csv FullLaps is
/// Retreated − Deployed − 1 (the laps strictly between, run wholly behind the car; 246 of 362 rows, the rest
/// are older rows off by one or two): deployed during lap D, restart as the leader starts lap R. In
/// virtual_safety_cars.csv FullLaps is Retreated − Deployed + 1 in all 96 rows: laps D and R both count, so
/// the VSC ends during lap R. FullLaps itself is not used.
/// </remarks>
public static class Neutralisations
{
    public const string SafetyCarsFile = "safety_cars.csv";
    public const string VirtualSafetyCarsFile = "virtual_safety_cars.csv";
    public const string RedFlagsFile = "red_flags.csv";

    /// <summary>
    /// The race's neutralisations in file order (safety cars, VSCs, red flags), or null when the folder has
    /// none of the three tables (then nothing is known about the track status).
    /// </summary>
    public static IReadOnlyList<Neutralisation>? Read(string historyFolder, string raceName, IRejectionSink rejections, ICollection<string> warnings) =>
        Read(SourceFiles.Folder(historyFolder), raceName, rejections, warnings);

    /// <summary>As <see cref="Read(string, string, IRejectionSink, ICollection{string})"/>, with the tables from <paramref name="history"/> (a folder or memory).</summary>
    internal static IReadOnlyList<Neutralisation>? Read(SourceFiles history, string raceName, IRejectionSink rejections, ICollection<string> warnings)
    {
        var found = new List<Neutralisation>();
        var missing = new List<string>();
        foreach (var file in new[] { SafetyCarsFile, VirtualSafetyCarsFile, RedFlagsFile })
        {
            if (!history.Exists(file))
            {
                missing.Add(file);
                continue;
            }

            ReadFile(history.OpenText(file), file, rejections, (race, row) =>
            {
                if (race == raceName)
                {
                    found.Add(row);
                }
            });
        }

        if (missing.Count == 3)
        {
            warnings.Add($"The results history has no {SafetyCarsFile}, {VirtualSafetyCarsFile} or {RedFlagsFile}: the replay has no track status.");
            return null;
        }

        if (missing.Count > 0)
        {
            warnings.Add($"The results history has no {string.Join(" or ", missing)}: those neutralisations are not in the track status.");
        }

        return found;
    }

    /// <summary>
    /// Every neutralisation of every race in the three tables, with the race's full name. Unlike
    /// <see cref="Read(string, string, IRejectionSink, ICollection{string})"/>, which serves a replay that must go on, this is for fitting: a missing table or a
    /// malformed row is an <see cref="InvalidDataException"/> naming the file and line.
    /// </summary>
    public static IReadOnlyList<(string Race, Neutralisation Row)> ReadAll(string historyFolder)
    {
        var found = new List<(string, Neutralisation)>();
        var rejections = new RejectionLog();
        foreach (var file in new[] { SafetyCarsFile, VirtualSafetyCarsFile, RedFlagsFile })
        {
            var path = Path.Combine(historyFolder, file);
            if (!File.Exists(path))
            {
                throw new InvalidDataException($"The history folder {historyFolder} has no {file}.");
            }

            ReadFile(path, file, rejections, (race, row) => found.Add((race, row)));
            if (rejections.Recent(1) is [var first])
            {
                throw new InvalidDataException($"{Path.Combine(historyFolder, first.File)} line {first.Line}: {first.Reason}.");
            }
        }

        return found;
    }

    private static void ReadFile(string path, string file, IRejectionSink rejections, Action<string, Neutralisation> found)
    {
        using var reader = CsvFiles.Open(path, file);
        ReadFile(reader, file, rejections, found);
    }

    /// <summary>
    /// Reads one of the three tables from CSV text already open (e.g. held in memory); <paramref name="file"/>
    /// (<see cref="SafetyCarsFile"/>, <see cref="VirtualSafetyCarsFile"/> or <see cref="RedFlagsFile"/>) says which.
    /// </summary>
    internal static void ReadFile(TextReader csv, string file, IRejectionSink rejections, Action<string, Neutralisation> found)
    {
        using var reader = CsvFiles.Open(csv, file);
        ReadFile(reader, file, rejections, found);
    }

    private static void ReadFile(Sylvan.Data.Csv.CsvDataReader reader, string file, IRejectionSink rejections, Action<string, Neutralisation> found)
    {
        var kind = file switch
        {
            SafetyCarsFile => NeutralisationKind.SafetyCar,
            VirtualSafetyCarsFile => NeutralisationKind.VirtualSafetyCar,
            _ => NeutralisationKind.RedFlag,
        };
        var race = CsvFiles.Column(reader, "Race", file);
        int deployed, retreated = -1, resumed = -1;
        if (kind == NeutralisationKind.RedFlag)
        {
            deployed = CsvFiles.Column(reader, "Lap", file);
            resumed = CsvFiles.Column(reader, "Resumed", file);
        }
        else
        {
            deployed = CsvFiles.Column(reader, "Deployed", file);
            retreated = CsvFiles.Column(reader, "Retreated", file);
        }

        // Lines are counted by record: none of these tables has a quoted field that spans lines.
        long line = 1;
        while (CsvFiles.Read(reader, file, line, rejections))
        {
            line++;
            var (row, problem) = Parse(reader, kind, race, deployed, retreated, resumed, file, line);
            if (problem is not null)
            {
                rejections.Reject(new InputRejection(file, line, problem));
            }
            else
            {
                found(reader.GetString(race).Trim(), row!);
            }
        }
    }

    private static (Neutralisation? Row, string? Problem) Parse(
        Sylvan.Data.Csv.CsvDataReader reader, NeutralisationKind kind, int race, int deployed, int retreated, int resumed, string file, long line)
    {
        if (reader.RowFieldCount != reader.FieldCount)
        {
            return (null, $"expected {reader.FieldCount} columns, found {reader.RowFieldCount}");
        }

        if (reader.GetString(race).Trim().Length == 0)
        {
            return (null, "Race is empty");
        }

        var lapColumn = kind == NeutralisationKind.RedFlag ? "Lap" : "Deployed";
        if (!FieldParser.TryOptionalInt(reader.GetFieldSpan(deployed), out var lap) || lap is null or < 0)
        {
            return (null, $"{lapColumn} '{reader.GetString(deployed)}' is not a lap");
        }

        if (kind == NeutralisationKind.RedFlag)
        {
            var text = reader.GetString(resumed).Trim();
            return text switch
            {
                "N" => (new Neutralisation(kind, lap.Value, null, file, line), null),
                "Y" or "R" or "S" => (new Neutralisation(kind, lap.Value, lap.Value + 1, file, line), null),
                _ => (null, $"Resumed '{text}' is not one of Y, R, S (resumed) or N (not resumed)"),
            };
        }

        if (!FieldParser.TryOptionalInt(reader.GetFieldSpan(retreated), out var green) || green is < 0)
        {
            return (null, $"Retreated '{reader.GetString(retreated)}' is not a lap");
        }

        // A safety car restarts the race at the line, so it is in for at least the rest of its lap; a VSC can end in the lap it started.
        if (kind == NeutralisationKind.SafetyCar ? green <= lap : green < lap)
        {
            return (null, $"Retreated lap {green} is {(green < lap ? "before" : "the same as")} the Deployed lap {lap}");
        }

        return (new Neutralisation(kind, lap.Value, green, file, line), null);
    }
}
