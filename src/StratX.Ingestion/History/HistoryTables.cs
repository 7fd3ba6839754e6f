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

    private static HistoryTables Read(string folder)
    {
        var circuits = ReadTable(folder, "circuits.csv", row => (Id: row.Int("circuitId"), Name: row.Text("name"), Country: row.Text("country")))
            .ToDictionary(c => c.Id);
        var drivers = ReadTable(folder, "drivers.csv", row => (Id: row.Int("driverId"), Code: row.Text("code"), Name: $"{row.Text("forename")} {row.Text("surname")}"))
            .ToDictionary(d => d.Id);
        var teams = ReadTable(folder, "constructors.csv", row => (Id: row.Int("constructorId"), Name: row.Text("name")))
            .ToDictionary(t => t.Id, t => t.Name);
        var statuses = ReadTable(folder, "status.csv", row => (Id: row.Int("statusId"), Text: row.Text("status")))
            .ToDictionary(s => s.Id, s => s.Text);

        var races = ReadTable(folder, "races.csv", row =>
        {
            var circuit = circuits.GetValueOrDefault(row.Int("circuitId"));
            var date = DateOnly.ParseExact(row.Text("date"), "yyyy-MM-dd", CultureInfo.InvariantCulture);
            DateTimeOffset? start = TimeOnly.TryParseExact(row.Text("time"), "HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                ? new DateTimeOffset(date.ToDateTime(time), TimeSpan.Zero)
                : null;
            return new HistoryRace(row.Int("raceId"), row.Int("year"), row.Int("round"), row.Text("name"), circuit.Name, circuit.Country, date, start);
        }).ToDictionary(r => r.RaceId);

        var results = ReadTable(folder, "results.csv", row =>
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

    private static List<T> ReadTable<T>(string folder, string file, Func<HistoryRow, T> map)
    {
        var path = Path.Combine(folder, file);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The history folder {folder} has no {file}.", path);
        }

        using var reader = CsvFiles.Open(path);
        var row = new HistoryRow(reader, file);
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(row));
        }

        return rows;
    }

    /// <summary>Typed access to one row of a history table; "\N" is null.</summary>
    private sealed class HistoryRow(Sylvan.Data.Csv.CsvDataReader reader, string file)
    {
        private readonly Dictionary<string, int> _columns = [];

        public string Text(string column) => reader.GetString(Index(column));

        public int Int(string column) => OptionalInt(column) ?? throw new InvalidDataException($"{file} line {reader.RowNumber}: {column} is empty.");

        public int? OptionalInt(string column) =>
            FieldParser.TryOptionalInt(reader.GetFieldSpan(Index(column)), out var value)
                ? value
                : throw new InvalidDataException($"{file} line {reader.RowNumber}: {column} '{Text(column)}' is not a whole number.");

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
