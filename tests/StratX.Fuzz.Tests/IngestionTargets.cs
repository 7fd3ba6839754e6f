using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.History;
using StratX.Ingestion.OpenF1;
using StratX.Ingestion.Parsing;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Validation;
using StratX.Tests;

namespace StratX.Fuzz;

/// <summary>
/// The recorded-race parsers (StratX.Ingestion), each fed from memory through its in-memory overload. Seeds
/// are the first records of the bundled data (data/), written as the files are: JSON arrays one object a line,
/// CSV with its header.
/// </summary>
public static class IngestionTargets
{
    private const string FastF1File = "race_laps_2021.csv";
    private static readonly SessionKey Session = new(TenantId.Demo, new SessionId("fuzz"));
    private static readonly CarId CarDataCar = new("1");

    /// <summary>Every car number, so stints are checked for themselves rather than against an entry list.</summary>
    private static readonly HashSet<CarId> AnyCar = [.. Enumerable.Range(0, 1000).Select(CarId.FromNumber)];

    public static IReadOnlyList<ParserTarget> All { get; } =
    [
        new("openf1-laps", JsonSeeds("laps.json", 40), input =>
            Collect(sink => OpenF1Recording.ReadLaps(input, sink).Count)),
        new("openf1-stints", JsonSeeds("stints.json", 30), input =>
            Collect(sink => OpenF1Recording.ReadStints(input, AnyCar, sink).Count)),
        new("openf1-weather", JsonSeeds("weather.json", 30), input =>
            Collect(sink => OpenF1Recording.ReadWeather(input, sink).Count)),
        new("openf1-car-data", CarDataSeeds(40), input =>
            Collect(sink => CarDataReader.Read(Text(input), "car_data/driver_01.csv", CarDataCar, sink, CancellationToken.None).Count())),
        OpenF1RecordingTarget(),
        new("fastf1-season-laps", FastF1Seeds(), input =>
            Collect(sink =>
            {
                var recording = FastF1Recording.Open(Text(input), FastF1File, 2021, 1, sink, HistoryTables.Load(RepoPaths.History));
                return recording.Read(Session).Count(i => i.Event is LapCompleted);
            })),
        Neutralisation(Neutralisations.SafetyCarsFile),
        Neutralisation(Neutralisations.VirtualSafetyCarsFile),
        Neutralisation(Neutralisations.RedFlagsFile),
        HistoryTable("races.csv", tables => tables.Races.Count),
        HistoryTable("results.csv", tables => tables.Races.Sum(r => tables.ResultsOf(r.RaceId).Count)),
        new("replay-speed", [.. new[] { "max", "10", "10x", "0.5", "2.5×", " 100 " }.Select(Encoding.UTF8.GetBytes)], input =>
            ReplaySpeed.TryParse(Encoding.UTF8.GetString(input), out _, out var error) ? new ParseOutcome(1, []) : ParseOutcome.Rejected(error)),
    ];

    /// <summary>
    /// A whole OpenF1 recording opened from memory and read to its last event, as a replay reads it: laps, stints
    /// and weather checked, then laps built with their tyres, stints and pit stops, positions and gaps, and the
    /// track status placed from the history's neutralisation tables. The recording is a slice of the bundled 2024
    /// Chinese Grand Prix small enough to fuzz fast: cars 1, 4 and 11 to lap 35 (through its VSC and both safety
    /// cars), their stints, every fourth weather reading, and the race's rows of the three neutralisation tables
    /// (with the real races.csv and results.csv for the entry list). Car data is left out for speed; its reader
    /// has its own target (openf1-car-data).
    /// Each input mutates one of the six files and keeps the other five real: its first byte picks the file
    /// (modulo six) and the rest is that file's contents, so every seed is one real file with its number in
    /// front. An input is refused when any row is rejected (each with its file, line and reason) or the
    /// recording cannot be opened at all (an <see cref="InvalidDataException"/>, e.g. no usable lap).
    /// </summary>
    private static ParserTarget OpenF1RecordingTarget()
    {
        var folder = Path.Combine(RepoPaths.Data, "openf1", "2024-china-race", "openf1_json");
        int[] cars = [1, 4, 11];
        var laps = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "laps.json")))!.AsArray()
            .Where(o => cars.Contains((int)o!["driver_number"]!) && (int)o!["lap_number"]! <= 35);
        var stints = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "stints.json")))!.AsArray()
            .Where(o => cars.Contains((int)o!["driver_number"]!));
        var weather = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "weather.json")))!.AsArray().Where((_, i) => i % 4 == 0);
        static byte[] Json(IEnumerable<JsonNode?> objects) =>
            Encoding.UTF8.GetBytes("[\n" + string.Join(",\n", objects.Select(o => o!.ToJsonString())) + "\n]\n");
        byte[] Table(string file) =>
            CsvSeed(File.ReadLines(Path.Combine(RepoPaths.History, file)).Where((l, i) => i == 0 || l.StartsWith("2024 Chinese Grand Prix,", StringComparison.Ordinal)), int.MaxValue);

        (string Name, bool History, byte[] Bytes)[] files =
        [
            ("openf1_json/laps.json", false, Json(laps)),
            ("openf1_json/stints.json", false, Json(stints)),
            ("openf1_json/weather.json", false, Json(weather)),
            (Neutralisations.SafetyCarsFile, true, Table(Neutralisations.SafetyCarsFile)),
            (Neutralisations.VirtualSafetyCarsFile, true, Table(Neutralisations.VirtualSafetyCarsFile)),
            (Neutralisations.RedFlagsFile, true, Table(Neutralisations.RedFlagsFile)),
        ];
        var history = HistoryTables.Load(RepoPaths.History);
        return new("openf1-recording", [.. files.Select((f, i) => (byte[])[(byte)i, .. f.Bytes])], input =>
        {
            var mutated = input.Length == 0 ? 0 : input[0] % files.Length;
            var bytes = input.Length == 0 ? [] : input[1..];
            Dictionary<string, byte[]> Files(bool ofHistory) =>
                files.Select((f, i) => (f, i)).Where(x => x.f.History == ofHistory).ToDictionary(x => x.f.Name, x => x.i == mutated ? bytes : x.f.Bytes);
            return Collect(sink =>
            {
                var recording = OpenF1Recording.Open(
                    SourceFiles.InMemory("2024-china-race", Files(ofHistory: false)), sink, history, SourceFiles.InMemory("history", Files(ofHistory: true)), includeCarData: false);
                return recording.Read(Session).Count();
            });
        });
    }

    private static ParserTarget Neutralisation(string file) =>
        new($"history-{Path.GetFileNameWithoutExtension(file).Replace('_', '-')}", [CsvSeed(File.ReadLines(Path.Combine(RepoPaths.History, file)), 40)], input =>
            Collect(sink =>
            {
                var found = 0;
                Neutralisations.ReadFile(Text(input), file, sink, (_, _) => found++);
                return found;
            }));

    /// <summary>
    /// One table of the results history mutated, the others small real slices: the history is strict, so any
    /// malformed row is an <see cref="InvalidDataException"/> (a rejection of the whole input).
    /// </summary>
    private static ParserTarget HistoryTable(string file, Func<HistoryTables, int> accepted)
    {
        var slices = new[] { "circuits.csv", "drivers.csv", "constructors.csv", "status.csv", "races.csv", "results.csv" }
            .ToDictionary(f => f, f => CsvSeed(File.ReadLines(Path.Combine(RepoPaths.History, f)), 40));
        return new($"history-{Path.GetFileNameWithoutExtension(file)}", [slices[file]], input =>
            Collect(_ => accepted(HistoryTables.Read("history", name => Text(name == file ? input : slices[name])))));
    }

    /// <summary>
    /// Runs a parser with a sink that keeps every rejection's reason (blank when the parser gave none, which the
    /// run counts as a crash). An <see cref="InvalidDataException"/>, which the parsers throw for a whole input
    /// they cannot use (no usable lap, a missing column), is a rejection with its message.
    /// </summary>
    private static ParseOutcome Collect(Func<IRejectionSink, int> parse)
    {
        var sink = new Reasons();
        try
        {
            return new ParseOutcome(parse(sink), sink.All);
        }
        catch (InvalidDataException e)
        {
            return new ParseOutcome(0, [.. sink.All, e.Message]);
        }
    }

    /// <summary>The bytes as the file readers read them: a BOM picks the encoding, UTF-8 otherwise.</summary>
    private static StreamReader Text(byte[] input) => new(new MemoryStream(input), detectEncodingFromByteOrderMarks: true);

    private static List<byte[]> JsonSeeds(string name, int objects) =>
    [
        .. new[] { RepoPaths.BahrainOpenF1, Path.Combine(RepoPaths.Data, "openf1", "2024-china-race") }.Select(race =>
        {
            var array = JsonNode.Parse(File.ReadAllText(Path.Combine(race, "openf1_json", name)))!.AsArray();
            var lines = array.Take(objects).Select(o => o!.ToJsonString());
            return Encoding.UTF8.GetBytes("[\n" + string.Join(",\n", lines) + "\n]\n");
        }),
    ];

    private static List<byte[]> CarDataSeeds(int lines) =>
    [
        .. new[] { RepoPaths.BahrainOpenF1, Path.Combine(RepoPaths.Data, "openf1", "2024-china-race") }.Select(race =>
        {
            using var text = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(race, "car_data", "driver_01.csv.gz")), CompressionMode.Decompress));
            return CsvSeed(Lines(text), lines);
        }),
    ];

    /// <summary>Round 1 of 2021: one driver's first laps, and every driver's first two laps.</summary>
    private static List<byte[]> FastF1Seeds()
    {
        var lines = File.ReadLines(RepoPaths.FastF1Laps2021).ToList();
        var round1 = lines.Skip(1).Where(l => l.Contains(",1,Bahrain Grand Prix,", StringComparison.Ordinal)).ToList();
        var firstTwoLaps = round1.Where(l => l.Split(',')[4] is "1.0" or "2.0");
        return [CsvSeed([lines[0], .. round1], 30), CsvSeed([lines[0], .. firstTwoLaps], 41)];
    }

    private static byte[] CsvSeed(IEnumerable<string> lines, int count) =>
        Encoding.UTF8.GetBytes(string.Join('\n', lines.Take(count)) + "\n");

    private static IEnumerable<string> Lines(TextReader text)
    {
        while (text.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private sealed class Reasons : IRejectionSink
    {
        public List<string> All { get; } = [];

        public void Reject(InputRejection rejection) =>
            All.Add(string.IsNullOrWhiteSpace(rejection.Reason) ? "" : rejection.ToString());
    }
}
