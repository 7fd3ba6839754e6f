using System.Globalization;
using System.Text.RegularExpressions;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Ingestion.History;
using StratX.Ingestion.Parsing;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Timeline;
using StratX.Ingestion.Validation;

namespace StratX.Ingestion.FastF1;

/// <summary>
/// One race from a FastF1 season file (race_laps_YYYY.csv, one row per lap of every grand prix of the year).
/// Times in the file are session times (pandas Timedelta text); they are anchored so that the first lap
/// starts at the race's scheduled start from the results history. The file has no telemetry and no
/// session-wide track status, so track status changes are derived from the leader's laps.
/// </summary>
public sealed partial class FastF1Recording : IRaceRecording
{
    private const double LongestLapSeconds = 4 * 3600;

    private readonly List<LapCompleted> _laps;
    private readonly List<CarEvent> _stintsAndStops;
    private readonly Dictionary<(CarId Car, int Lap), string> _lapTrackStatus;
    private readonly DateTimeOffset _openAt;

    private FastF1Recording(RaceInfo race, DateTimeOffset raceStart, List<LapCompleted> laps, List<CarEvent> stintsAndStops, Dictionary<(CarId, int), string> lapTrackStatus, DateTimeOffset openAt, IReadOnlyList<string> warnings)
    {
        Race = race;
        RaceStart = raceStart;
        _laps = laps;
        _stintsAndStops = stintsAndStops;
        _lapTrackStatus = lapTrackStatus;
        _openAt = openAt;
        Warnings = warnings;
    }

    public RaceInfo Race { get; }

    public DateTimeOffset RaceStart { get; }

    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The season a file holds, from its name (race_laps_2021.csv or sprint_laps_2021.csv → 2021).</summary>
    public static int? SeasonOf(string path) =>
        SeasonPattern().Match(Path.GetFileName(path)) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    /// <summary>The rounds in a season file with their event names, read cheaply (two columns).</summary>
    public static IReadOnlyList<(int Round, string EventName)> Rounds(string path)
    {
        var file = Path.GetFileName(path);
        using var reader = CsvFiles.Open(path, file);
        int round = CsvFiles.Column(reader, "RoundNumber", file), name = CsvFiles.Column(reader, "EventName", file);
        var rounds = new SortedDictionary<int, string>();

        // CSV broken beyond some point ends the list; reading a round rejects it with its line.
        while (CsvFiles.Read(reader, file, 0, new RejectionLog(keep: 0)))
        {
            if (int.TryParse(reader.GetFieldSpan(round), NumberStyles.None, CultureInfo.InvariantCulture, out var r) && !rounds.ContainsKey(r))
            {
                rounds[r] = reader.GetString(name);
            }
        }

        return [.. rounds.Select(kv => (kv.Key, kv.Value))];
    }

    public static FastF1Recording Open(string csvPath, int round, IRejectionSink rejections, HistoryTables? history = null)
    {
        csvPath = Path.GetFullPath(csvPath);
        if (!File.Exists(csvPath))
        {
            throw new FileNotFoundException($"There is no FastF1 lap file at {csvPath}.", csvPath);
        }

        var file = Path.GetFileName(csvPath);
        var season = SeasonOf(csvPath) ?? throw new InvalidDataException($"{file}: the season is not in the file name (expected race_laps_YYYY.csv).");
        if (history is null && HistoryLocator.FindFor(csvPath) is { } historyFolder)
        {
            history = HistoryTables.Load(historyFolder);
        }

        using var reader = CsvFiles.Open(csvPath, file);
        return Open(reader, file, season, round, rejections, history);
    }

    /// <summary>
    /// One round of a season file from CSV text already open (e.g. held in memory), with the history given
    /// (none is looked for); <paramref name="file"/> names it in rejections.
    /// </summary>
    internal static FastF1Recording Open(TextReader csv, string file, int season, int round, IRejectionSink rejections, HistoryTables? history)
    {
        using var reader = CsvFiles.Open(csv, file);
        return Open(reader, file, season, round, rejections, history);
    }

    private static FastF1Recording Open(Sylvan.Data.Csv.CsvDataReader reader, string file, int season, int round, IRejectionSink rejections, HistoryTables? history)
    {
        var warnings = new List<string>();
        var historyRace = history?.FindRace(season, round);
        var rows = ReadRows(reader, file, round, rejections);
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{file} has no laps of round {round}.");
        }

        IReadOnlyList<Entry> entries;
        if (historyRace is not null)
        {
            entries = history!.EntriesOf(historyRace.RaceId).Where(e => rows.Any(r => r.Car == e.Car)).ToList();
            var codes = entries.ToDictionary(e => e.Car, e => e.DriverCode);
            rows = [.. rows.Where(r => IsKnownDriver(r, codes, file, rejections))];
        }
        else
        {
            warnings.Add($"The results history has no {season} round {round}: names and grid come from the file alone.");
            var codes = new Dictionary<CarId, string>();
            foreach (var row in rows.OrderBy(r => r.Line))
            {
                codes.TryAdd(row.Car, row.Code);
            }

            rows = [.. rows.Where(r => IsKnownDriver(r, codes, file, rejections))];
            entries = [.. codes.Select(c => new Entry(c.Key, c.Value, null, rows.First(r => r.Car == c.Key).Team, null)).OrderBy(e => e.Car)];
        }

        // Session time 0 is when the feed started, not the race: anchor the first lap's start to the scheduled start.
        var firstLapStart = rows.Where(r => r is { Lap: 1, LapTime: not null }).Select(r => r.Time - TimeSpan.FromSeconds(r.LapTime!.Value)).DefaultIfEmpty(TimeSpan.Zero).Min();
        var scheduledStart = historyRace?.Start ?? new DateTimeOffset(season, 1, 1, 12, 0, 0, TimeSpan.Zero);
        if (historyRace?.Start is null)
        {
            warnings.Add($"No scheduled start known: times are placed on {scheduledStart:yyyy-MM-dd HH:mm} UTC.");
        }

        var anchor = scheduledStart - firstLapStart;
        var drafts = new List<LapDraft>();
        var lapTrackStatus = new Dictionary<(CarId, int), string>();
        foreach (var row in rows)
        {
            if (row.LapTime is null && row.Position is null)
            {
                // The lap a retiring car started but never finished: not a completed lap, not an error.
                continue;
            }

            var crossed = anchor + row.Time;
            lapTrackStatus[(row.Car, row.Lap)] = row.TrackStatus;
            drafts.Add(new LapDraft(
                new LapCompleted
                {
                    Session = RaceTimeline.Unassigned,
                    Sequence = 0,
                    Car = row.Car,
                    OccurredAt = crossed,
                    LapStartedAt = row.LapTime is { } t ? crossed.AddSeconds(-t) : null,
                    LapNumber = row.Lap,
                    LapTime = row.LapTime,
                    Compound = row.Compound,
                    TyreAge = row.TyreLife,
                    Stint = row.Stint,
                    PitIn = row.PitIn is not null,
                    PitOut = row.PitOut is not null,
                    TrackStatus = MostSevere(row.TrackStatus),
                },
                file,
                row.Line));
        }

        var laps = LapChecks.Apply(drafts, rejections).Select(d => d.Lap).ToList();
        var raceStart = anchor + firstLapStart;
        var rowsByLap = rows.GroupBy(r => (r.Car, r.Lap)).ToDictionary(g => g.Key, g => g.First());
        var stintsAndStops = BuildStintsAndStops(laps, rowsByLap, anchor, raceStart);
        var race = new RaceInfo
        {
            Name = historyRace?.FullName ?? $"{season} {rows[0].EventName}",
            Season = season,
            Round = round,
            Circuit = historyRace?.Circuit,
            ScheduledLaps = laps.Count == 0 ? 0 : laps.Max(l => l.LapNumber),
            ScheduledStart = historyRace?.Start,
            Entries = entries,
            Source = "FastF1 via Armchair-Strategist (Apache-2.0)",
        };
        var openAt = new[] { raceStart, stintsAndStops.Count > 0 ? stintsAndStops.Min(e => e.OccurredAt) : raceStart }.Min().AddSeconds(-1);
        return new FastF1Recording(race, raceStart, laps, stintsAndStops, lapTrackStatus, openAt, warnings);
    }

    public IEnumerable<SourceItem> Read(SessionKey session, CancellationToken cancellationToken = default)
    {
        var events = RaceTimeline.Assemble(session, Race, _openAt, _laps, _stintsAndStops, [], TrackStatusFromLeader);
        return TimelineMerge.Merge(events, []);
    }

    /// <summary>
    /// The file gives, for each lap, the track statuses seen during it in order ("124": green, yellow, safety
    /// car). The leader's laps cover the race, so their statuses, spread evenly over each lap, give the
    /// session's status changes. The real change times are not in the file; they lie within that lap.
    /// </summary>
    private IEnumerable<SessionEvent> TrackStatusFromLeader(IReadOnlyList<LapCompleted> timedLaps)
    {
        var current = TrackStatus.Unknown;
        foreach (var lap in timedLaps)
        {
            if (lap.Position != 1 || !_lapTrackStatus.TryGetValue((lap.Car, lap.LapNumber), out var digits) || digits.Length == 0)
            {
                continue;
            }

            var start = lap.LapStartedAt ?? lap.OccurredAt;
            var span = lap.OccurredAt - start;
            for (var i = 0; i < digits.Length; i++)
            {
                if (!TrackStatuses.TryParseDigit(digits[i], out var status) || status == current)
                {
                    continue;
                }

                current = status;
                yield return new TrackStatusChanged
                {
                    Session = RaceTimeline.Unassigned,
                    Sequence = 0,
                    OccurredAt = start + (span * i / digits.Length),
                    Status = status,
                    Lap = lap.LapNumber,
                };
            }
        }
    }

    private static TrackStatus MostSevere(string digits)
    {
        var worst = TrackStatus.Unknown;
        foreach (var digit in digits)
        {
            if (TrackStatuses.TryParseDigit(digit, out var status) && TrackStatusTimeline.Severity(status) > TrackStatusTimeline.Severity(worst))
            {
                worst = status;
            }
        }

        return worst;
    }

    private static bool IsKnownDriver(LapRow row, Dictionary<CarId, string> codes, string file, IRejectionSink rejections)
    {
        if (codes.TryGetValue(row.Car, out var code) && code == row.Code)
        {
            return true;
        }

        rejections.Reject(new InputRejection(file, row.Line, code is null
            ? $"unknown driver: {row.Code} #{row.Car} is not on the entry list"
            : $"unknown driver: car #{row.Car} is {code} on the entry list, not {row.Code}"));
        return false;
    }

    private static List<CarEvent> BuildStintsAndStops(List<LapCompleted> laps, Dictionary<(CarId, int), LapRow> rows, DateTimeOffset anchor, DateTimeOffset raceStart)
    {
        var events = new List<CarEvent>();
        foreach (var car in laps.GroupBy(l => l.Car))
        {
            var stint = 0;
            var stops = 0;
            LapCompleted? previous = null;
            foreach (var lap in car.OrderBy(l => l.LapNumber))
            {
                var row = rows[(car.Key, lap.LapNumber)];
                var number = lap.Stint ?? (stint == 0 ? 1 : lap.PitOut ? stint + 1 : stint);
                if (number != stint)
                {
                    var at = row.PitOut is { } pitOut ? anchor + pitOut
                        : previous is not null ? previous.OccurredAt
                        : (lap.LapStartedAt ?? raceStart).AddMilliseconds(-1);
                    if (previous is not null && previous.PitIn && row.PitOut is not null)
                    {
                        var pitIn = rows[(car.Key, previous.LapNumber)].PitIn!.Value;
                        events.Add(new PitStop
                        {
                            Session = RaceTimeline.Unassigned,
                            Sequence = 0,
                            Car = car.Key,
                            OccurredAt = at,
                            StopNumber = ++stops,
                            InLap = previous.LapNumber,
                            PitLaneSeconds = Math.Round((row.PitOut.Value - pitIn).TotalSeconds, 3),
                        });
                    }

                    events.Add(new StintStarted
                    {
                        Session = RaceTimeline.Unassigned,
                        Sequence = 0,
                        Car = car.Key,
                        OccurredAt = at,
                        StintNumber = number,
                        LapStart = lap.LapNumber,
                        Compound = lap.Compound,
                        TyreAgeAtStart = Math.Max(0, (lap.TyreAge ?? 1) - 1),
                    });
                    stint = number;
                }

                previous = lap;
            }
        }

        return events;
    }

    private sealed record LapRow(
        CarId Car, string Code, int Lap, TimeSpan Time, double? LapTime, int? Stint, TimeSpan? PitOut, TimeSpan? PitIn,
        TyreCompound Compound, int? TyreLife, string? Team, string TrackStatus, int? Position, string EventName, long Line);

    private static List<LapRow> ReadRows(Sylvan.Data.Csv.CsvDataReader reader, string file, int round, IRejectionSink rejections)
    {
        int roundColumn = CsvFiles.Column(reader, "RoundNumber", file), time = CsvFiles.Column(reader, "Time", file),
            driver = CsvFiles.Column(reader, "Driver", file), number = CsvFiles.Column(reader, "DriverNumber", file),
            lapTime = CsvFiles.Column(reader, "LapTime", file), lapNumber = CsvFiles.Column(reader, "LapNumber", file),
            stint = CsvFiles.Column(reader, "Stint", file), pitOut = CsvFiles.Column(reader, "PitOutTime", file),
            pitIn = CsvFiles.Column(reader, "PitInTime", file), compound = CsvFiles.Column(reader, "Compound", file),
            tyreLife = CsvFiles.Column(reader, "TyreLife", file), team = CsvFiles.Column(reader, "Team", file),
            trackStatus = CsvFiles.Column(reader, "TrackStatus", file), position = CsvFiles.Column(reader, "Position", file),
            eventName = CsvFiles.Column(reader, "EventName", file);
        var rows = new List<LapRow>();
        long line = 1;
        while (CsvFiles.Read(reader, file, line, rejections))
        {
            line++;
            if (reader.RowFieldCount != reader.FieldCount)
            {
                rejections.Reject(new InputRejection(file, line, $"expected {reader.FieldCount} columns, found {reader.RowFieldCount}"));
                continue;
            }

            if (!FieldParser.TryOptionalInt(reader.GetFieldSpan(roundColumn), out var rowRound) || rowRound is null)
            {
                rejections.Reject(new InputRejection(file, line, $"RoundNumber '{reader.GetString(roundColumn)}' is not a round"));
                continue;
            }

            if (rowRound != round)
            {
                continue;
            }

            string? problem = null;
            var code = reader.GetString(driver).Trim();
            if (!DriverCodePattern().IsMatch(code)) { problem = $"Driver '{code}' is not a three-letter driver code"; }
            else if (!FieldParser.TryOptionalInt(reader.GetFieldSpan(number), out var carNumber) || carNumber is null or < 0 or > 99) { problem = $"DriverNumber '{reader.GetString(number)}' is not a car number"; }
            else if (!FieldParser.TryOptionalInt(reader.GetFieldSpan(lapNumber), out var lap) || lap is null or < 1) { problem = $"LapNumber '{reader.GetString(lapNumber)}' is not a lap"; }
            else if (!FieldParser.TryOptionalTimedelta(reader.GetFieldSpan(time), out var crossed) || crossed is null) { problem = $"Time '{reader.GetString(time)}' is not a session time (expected e.g. '0 days 01:05:23.781000')"; }
            else if (!FieldParser.TryOptionalDouble(reader.GetFieldSpan(lapTime), out var seconds) || seconds is <= 0 or > LongestLapSeconds) { problem = $"LapTime '{reader.GetString(lapTime)}' is not a possible lap time in seconds"; }
            else if (!FieldParser.TryOptionalInt(reader.GetFieldSpan(stint), out var stintNumber) || stintNumber < 1) { problem = $"Stint '{reader.GetString(stint)}' is not a stint number"; }
            else if (!FieldParser.TryOptionalTimedelta(reader.GetFieldSpan(pitOut), out var pitOutTime)) { problem = $"PitOutTime '{reader.GetString(pitOut)}' is not a session time"; }
            else if (!FieldParser.TryOptionalTimedelta(reader.GetFieldSpan(pitIn), out var pitInTime)) { problem = $"PitInTime '{reader.GetString(pitIn)}' is not a session time"; }
            else if (!TyreCompounds.TryParse(reader.GetFieldSpan(compound), out var tyre)) { problem = $"unknown compound '{reader.GetString(compound)}'"; }
            else if (!FieldParser.TryOptionalInt(reader.GetFieldSpan(tyreLife), out var life) || life < 0) { problem = $"TyreLife '{reader.GetString(tyreLife)}' is not a number of laps"; }
            else if (!FieldParser.TryOptionalInt(reader.GetFieldSpan(position), out var place) || place is < 1 or > 99) { problem = $"Position '{reader.GetString(position)}' is not a position"; }
            else
            {
                rows.Add(new LapRow(
                    CarId.FromNumber(carNumber.Value), code, lap.Value, crossed.Value, seconds, stintNumber, pitOutTime, pitInTime, tyre, life,
                    reader.GetString(team), reader.GetString(trackStatus).Trim(), place, reader.GetString(eventName), line));
            }

            if (problem is not null)
            {
                rejections.Reject(new InputRejection(file, line, problem));
            }
        }

        return rows;
    }

    // \z, not $: $ also matches before a final newline, so "race_laps_2021.csv\n" would pass for a season file.
    [GeneratedRegex(@"(?:race|sprint)_laps_(\d{4})\.csv\z", RegexOptions.IgnoreCase)]
    private static partial Regex SeasonPattern();

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex DriverCodePattern();
}
