using System.Collections.Concurrent;
using System.Globalization;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Ingestion.Parsing;

namespace StratX.Ingestion.History;

/// <summary>
/// The results history (Ergast schema: races, results, drivers, constructors, circuits, status): what a race
/// was called, who was entered with which number, and the official result. Loaded once per folder.
/// </summary>
public sealed class HistoryTables
{
    private static readonly ConcurrentDictionary<string, Lazy<HistoryTables>> Loaded = new();

    private readonly Dictionary<int, HistoryRace> _races;
    private readonly Dictionary<int, List<HistoryResult>> _results;

    private HistoryTables(string folder, Dictionary<int, HistoryRace> races, Dictionary<int, List<HistoryResult>> results)
    {
        Folder = folder;
        _races = races;
        _results = results;
    }

    /// <summary>The folder the tables were read from; the neutralisation tables are read from it per race.</summary>
    public string Folder { get; }

    public static HistoryTables Load(string folder) =>
        Loaded.GetOrAdd(Path.GetFullPath(folder), f => new Lazy<HistoryTables>(() => Read(f))).Value;

    /// <summary>Every race in the tables.</summary>
    public IReadOnlyCollection<HistoryRace> Races => _races.Values;

    public HistoryRace? FindRace(int season, int round) =>
        _races.Values.FirstOrDefault(r => r.Season == season && r.Round == round);

    /// <summary>The race held on a date (UTC), if any.</summary>
    public HistoryRace? FindRaceOn(DateOnly date) =>
        _races.Values.FirstOrDefault(r => r.Date == date);

    /// <summary>The official result, in classification order (positionOrder).</summary>
    public IReadOnlyList<HistoryResult> ResultsOf(int raceId) =>
        _results.TryGetValue(raceId, out var results) ? results : [];

    /// <summary>The entry list of a race: car number, driver code and name, team and grid slot.</summary>
    public IReadOnlyList<Entry> EntriesOf(int raceId) =>
        [.. ResultsOf(raceId)
            .Where(r => r.Number is not null)
            .Select(r => new Entry(CarId.FromNumber(r.Number!.Value), r.DriverCode, r.DriverName, r.Team, r.Grid))];

    private static HistoryTables Read(string folder) => Read(folder, file =>
    {
        var path = Path.Combine(folder, file);
        return File.Exists(path) ? CsvFiles.Open(path, file) : throw new FileNotFoundException($"The history folder {folder} has no {file}.", path);
    });

    /// <summary>
    /// The tables from CSV text already open (e.g. held in memory): <paramref name="open"/> gives each table's
    /// text by file name ("races.csv"). A malformed row is an <see cref="InvalidDataException"/> naming file and line.
    /// </summary>
    internal static HistoryTables Read(string folder, Func<string, TextReader> open) => Read(folder, file => CsvFiles.Open(open(file), file));

    private static HistoryTables Read(string folder, Func<string, Sylvan.Data.Csv.CsvDataReader> open)
    {
        var circuits = Unique(ReadTable(open, "circuits.csv", row => (Id: row.Int("circuitId"), Name: row.Text("name"), Country: row.Text("country"))), c => c.Id, "circuits.csv", "circuitId");
        var drivers = Unique(ReadTable(open, "drivers.csv", row => (Id: row.Int("driverId"), Code: row.Text("code"), Name: $"{row.Text("forename")} {row.Text("surname")}")), d => d.Id, "drivers.csv", "driverId");
        var teams = Unique(ReadTable(open, "constructors.csv", row => (Id: row.Int("constructorId"), Name: row.Text("name"))), t => t.Id, "constructors.csv", "constructorId")
            .ToDictionary(t => t.Key, t => t.Value.Name);
        var statuses = Unique(ReadTable(open, "status.csv", row => (Id: row.Int("statusId"), Text: row.Text("status"))), s => s.Id, "status.csv", "statusId")
            .ToDictionary(s => s.Key, s => s.Value.Text);

        var races = Unique(ReadTable(open, "races.csv", row =>
        {
            var circuit = circuits.GetValueOrDefault(row.Int("circuitId"));
            var date = row.Date("date");
            DateTimeOffset? start = TimeOnly.TryParseExact(row.Text("time"), "HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                ? new DateTimeOffset(date.ToDateTime(time), TimeSpan.Zero)
                : null;
            return new HistoryRace(row.Int("raceId"), row.Int("year"), row.Int("round"), row.Text("name"), circuit.Name, circuit.Country, date, start);
        }), r => r.RaceId, "races.csv", "raceId");

        var results = ReadTable(open, "results.csv", row =>
        {
            var driver = drivers.GetValueOrDefault(row.Int("driverId"));
            var code = string.IsNullOrEmpty(driver.Code) || driver.Code == @"\N" ? "???" : driver.Code;
            return new HistoryResult(
                row.Int("raceId"),
                row.Int("positionOrder"),
                row.OptionalInt("position"),
                row.Text("positionText"),
                row.OptionalInt("number"),
                code,
                driver.Name ?? "",
                teams.GetValueOrDefault(row.Int("constructorId")) ?? "",
                row.OptionalInt("grid"),
                row.Int("laps"),
                statuses.GetValueOrDefault(row.Int("statusId")) ?? "");
        })
            .GroupBy(r => r.RaceId)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.PositionOrder).ToList());

        return new HistoryTables(folder, races, results);
    }

    private static List<T> ReadTable<T>(Func<string, Sylvan.Data.Csv.CsvDataReader> open, string file, Func<HistoryRow, T> map)
    {
        using var reader = open(file);
        var row = new HistoryRow(reader, file);
        var rows = new List<T>();
        while (Next(reader, file, rows.Count + 2))
        {
            rows.Add(map(row));
        }

        return rows;

        static bool Next(Sylvan.Data.Csv.CsvDataReader reader, string file, long line)
        {
            try
            {
                return reader.Read();
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{file} line {line}: the CSV is broken here ({e.Message})", e);
            }
        }
    }

    private static Dictionary<int, T> Unique<T>(List<T> rows, Func<T, int> id, string file, string column)
    {
        var byId = new Dictionary<int, T>(rows.Count);
        foreach (var row in rows)
        {
            if (!byId.TryAdd(id(row), row))
            {
                throw new InvalidDataException($"{file}: {column} {id(row)} is given to more than one row.");
            }
        }

        return byId;
    }

    /// <summary>Typed access to one row of a history table; "\N" is null.</summary>
    private sealed class HistoryRow(Sylvan.Data.Csv.CsvDataReader reader, string file)
    {
        private readonly Dictionary<string, int> _columns = [];

        /// <summary>The row's line in the file: the CSV reader numbers rows from 1 after the header, which is line 1.</summary>
        public long Line => reader.RowNumber + 1;

        public string Text(string column) => reader.GetString(Index(column));

        public DateOnly Date(string column) =>
            DateOnly.TryParseExact(Text(column), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw new InvalidDataException($"{file} line {Line}: {column} '{Text(column)}' is not a date (yyyy-MM-dd).");

        public int Int(string column) => OptionalInt(column) ?? throw new InvalidDataException($"{file} line {Line}: {column} is empty.");

        public int? OptionalInt(string column) =>
            FieldParser.TryOptionalInt(reader.GetFieldSpan(Index(column)), out var value)
                ? value
                : throw new InvalidDataException($"{file} line {Line}: {column} '{Text(column)}' is not a whole number.");

        private int Index(string column)
        {
            if (!_columns.TryGetValue(column, out var index))
            {
                index = CsvFiles.Column(reader, column, file);
                _columns[column] = index;
            }

            return index;
        }
    }
}

public sealed record HistoryRace(int RaceId, int Season, int Round, string Name, string? Circuit, string? Country, DateOnly Date, DateTimeOffset? Start)
{
    /// <summary>E.g. "2023 Bahrain Grand Prix".</summary>
    public string FullName => $"{Season.ToString(CultureInfo.InvariantCulture)} {Name}";
}

/// <param name="PositionOrder">Place in the classification, retirements included.</param>
/// <param name="Position">Classified position; null when not classified.</param>
public sealed record HistoryResult(
    int RaceId,
    int PositionOrder,
    int? Position,
    string PositionText,
    int? Number,
    string DriverCode,
    string DriverName,
    string Team,
    int? Grid,
    int Laps,
    string Status);
