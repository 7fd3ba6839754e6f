using System.Globalization;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Ingestion.History;
using StratX.Ingestion.Parsing;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Timeline;
using StratX.Ingestion.Validation;

namespace StratX.Ingestion.OpenF1;

/// <summary>
/// A race recorded from the OpenF1 API: openf1_json/{laps,stints,weather}.json and car_data/driver_NN.csv.gz.
/// The JSON files are read and checked when the recording is opened; car data is streamed while it is read.
/// OpenF1 laps carry no positions or tyres: tyres come from stints.json, positions and gaps from the timing
/// of every crossing, the entry list and names from the results history. OpenF1 has no track status either:
/// it comes from the history's safety car, VSC and red flag tables, placed on the leader's laps
/// (<see cref="TrackStatusTimeline"/>), and each lap carries the most severe status in force while it was run.
/// </summary>
public sealed class OpenF1Recording : IRaceRecording
{
    private const double LongestLapSeconds = 4 * 3600;

    // A lap's start is placed on the calendar and moved by its duration: it must be a date with room either side.
    private const int FirstSeason = 1950;
    private const int LastYear = 9998;
    private const string LapsFile = "openf1_json/laps.json";
    private const string StintsFile = "openf1_json/stints.json";
    private const string WeatherFile = "openf1_json/weather.json";

    private readonly SourceFiles _files;
    private readonly IRejectionSink _rejections;
    private readonly List<LapCompleted> _laps;
    private readonly List<CarEvent> _stintsAndStops;
    private readonly List<SessionEvent> _sessionEvents;
    private readonly List<(CarId Car, string Name)> _carData;
    private readonly DateTimeOffset _openAt;

    private OpenF1Recording(
        SourceFiles files,
        IRejectionSink rejections,
        RaceInfo race,
        DateTimeOffset raceStart,
        List<LapCompleted> laps,
        List<CarEvent> stintsAndStops,
        List<SessionEvent> sessionEvents,
        List<(CarId, string)> carData,
        DateTimeOffset openAt,
        IReadOnlyList<string> warnings)
    {
        _files = files;
        _rejections = rejections;
        Race = race;
        RaceStart = raceStart;
        _laps = laps;
        _stintsAndStops = stintsAndStops;
        _sessionEvents = sessionEvents;
        _carData = carData;
        _openAt = openAt;
        Warnings = warnings;
    }

    public RaceInfo Race { get; }

    public DateTimeOffset RaceStart { get; }

    /// <summary>Things a user should know that are not rejections (e.g. no history, so numbers stand in for driver codes).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <param name="folder">The race folder (holding openf1_json/ and car_data/).</param>
    /// <param name="history">The results history; found beside the folder when null.</param>
    /// <param name="includeCarData">Leave car data out for a laps-only replay.</param>
    /// <param name="carDataOf">With car data: only these cars' (a team's own); null for every car that has it.</param>
    public static OpenF1Recording Open(string folder, IRejectionSink rejections, HistoryTables? history = null, bool includeCarData = true, IReadOnlySet<CarId>? carDataOf = null)
    {
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"There is no OpenF1 race folder at {folder}.");
        }

        if (history is null && HistoryLocator.FindFor(folder) is { } historyFolder)
        {
            history = HistoryTables.Load(historyFolder);
        }

        return Open(SourceFiles.Folder(folder), rejections, history, null, includeCarData, carDataOf);
    }

    /// <summary>The file a car's data is recorded in, relative to the race folder.</summary>
    public static string CarDataFile(CarId car) =>
        int.TryParse(car.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? $"car_data/driver_{number:00}.csv.gz"
            : $"car_data/driver_{car.Value}.csv.gz";

    /// <summary>
    /// A recording from its files, on disk or in memory, with the history given (none is looked for).
    /// <paramref name="historyFiles"/> holds the history's neutralisation tables; the history's folder when null.
    /// </summary>
    internal static OpenF1Recording Open(SourceFiles files, IRejectionSink rejections, HistoryTables? history, SourceFiles? historyFiles, bool includeCarData, IReadOnlySet<CarId>? carDataOf = null)
    {
        var warnings = new List<string>();
        var rows = ReadLaps(files.ReadAllBytes(LapsFile), rejections);
        var firstStart = rows.Where(r => r.Start is not null).Select(r => r.Start!.Value).DefaultIfEmpty().Min();
        if (rows.Count == 0 || firstStart == default)
        {
            throw new InvalidDataException($"{LapsFile} in {files.Name} holds no usable lap.");
        }

        var historyRace = history?.FindRaceOn(DateOnly.FromDateTime(firstStart.UtcDateTime));
        IReadOnlyList<Entry> entries;
        if (historyRace is not null)
        {
            entries = history!.EntriesOf(historyRace.RaceId);
        }
        else
        {
            warnings.Add(history is null
                ? "No results history found: the entry list comes from the laps and car numbers stand in for driver codes."
                : $"The results history has no race on {firstStart:yyyy-MM-dd}: the entry list comes from the laps.");
            entries = [.. rows.Select(r => r.Car).Distinct().Order().Select(c => new Entry(c, c.Value, null, null, null))];
        }

        var entered = entries.Select(e => e.Car).ToHashSet();
        rows = [.. rows.Where(r => LapChecks.IsEntered(r.Car, entered, LapsFile, r.Line, rejections))];
        var stints = ReadStints(files.ReadAllBytes(StintsFile), entered, rejections);
        var weather = files.Exists(WeatherFile) ? ReadWeather(files.ReadAllBytes(WeatherFile), rejections) : [];

        var laps = LapChecks.Apply(BuildLaps(rows, stints, rejections), rejections).Select(d => d.Lap).ToList();
        var raceStart = rows.Where(r => r.Lap == 1 && r.Start is not null).Select(r => r.Start!.Value).DefaultIfEmpty(firstStart).Min();
        var stintsAndStops = BuildStintsAndStops(rows, stints, raceStart);
        var sessionEvents = new List<SessionEvent>(weather);
        if (historyRace is not null && Neutralisations.Read(historyFiles ?? SourceFiles.Folder(history!.Folder), historyRace.FullName, rejections, warnings) is { } neutralisations)
        {
            var changes = TrackStatusTimeline.Place(laps, raceStart, neutralisations, warnings);
            laps = TrackStatusTimeline.Stamp(laps, changes);
            sessionEvents.AddRange(changes);
        }

        var carData = new List<(CarId, string)>();
        if (includeCarData)
        {
            foreach (var entry in entries.Where(e => carDataOf is null || carDataOf.Contains(e.Car)))
            {
                var name = CarDataFile(entry.Car);
                if (files.Exists(name))
                {
                    carData.Add((entry.Car, name));
                }
            }

            foreach (var car in (carDataOf ?? new HashSet<CarId>()).Where(c => !carData.Exists(d => d.Item1 == c)).Order())
            {
                warnings.Add($"Car {car.Value} was asked for car data, but the recording has none for it (or it is not entered): its laps come without telemetry.");
            }
        }

        var openAt = new[] { raceStart, weather.Count > 0 ? weather[0].OccurredAt : raceStart, FirstSampleTime(files, carData) ?? raceStart }.Min();
        var race = new RaceInfo
        {
            Name = historyRace?.FullName ?? Path.GetFileName(files.Name),
            Season = historyRace?.Season ?? firstStart.Year,
            Round = historyRace?.Round,
            Circuit = historyRace?.Circuit,
            ScheduledLaps = laps.Count == 0 ? 0 : laps.Max(l => l.LapNumber),
            ScheduledStart = historyRace?.Start,
            Entries = entries,
            Source = "OpenF1 (Apache-2.0)",
        };
        return new OpenF1Recording(files, rejections, race, raceStart, laps, stintsAndStops, sessionEvents, carData, openAt, warnings);
    }

    public IEnumerable<SourceItem> Read(SessionKey session, CancellationToken cancellationToken = default)
    {
        var events = RaceTimeline.Assemble(session, Race, _openAt, _laps, _stintsAndStops, _sessionEvents);
        var telemetry = _carData.Select(c => CarDataReader.Read(_files, c.Name, c.Car, _rejections, cancellationToken)).ToList();
        return TimelineMerge.Merge(events, telemetry);
    }

    public override string ToString() => $"{Race.Name} (OpenF1, {_files.Name})";

    internal sealed record LapRow(CarId Car, int Lap, DateTimeOffset? Start, double? Duration, double? S1, double? S2, double? S3, double? I1, double? I2, double? St, bool PitOut, long Line);

    internal sealed record StintRow(CarId Car, int Number, int LapStart, int? LapEnd, TyreCompound Compound, int TyreAgeAtStart);

    /// <summary>Reads laps.json from its bytes: the rows that pass its checks.</summary>
    internal static List<LapRow> ReadLaps(byte[] json, IRejectionSink rejections)
    {
        var rows = new List<LapRow>();
        JsonArrayFile.Read(json, LapsFile, rejections, row =>
        {
            if (!row.TryInt("driver_number", out var driver, out var problem, required: true)
                || !row.TryInt("lap_number", out var lap, out problem, required: true)
                || !row.TryInstant("date_start", out var start, out problem)
                || !row.TryDouble("lap_duration", out var duration, out problem)
                || !row.TryDouble("duration_sector_1", out var s1, out problem)
                || !row.TryDouble("duration_sector_2", out var s2, out problem)
                || !row.TryDouble("duration_sector_3", out var s3, out problem)
                || !row.TryDouble("i1_speed", out var i1, out problem)
                || !row.TryDouble("i2_speed", out var i2, out problem)
                || !row.TryDouble("st_speed", out var st, out problem)
                || !row.TryBool("is_pit_out_lap", out var pitOut, out problem))
            {
                rejections.Reject(row.Problem(problem!));
                return;
            }

            problem = driver is < 0 or > 99 ? $"driver_number {driver} is not a car number"
                : lap < 1 ? $"lap_number {lap} is not a lap"
                : duration is <= 0 or > LongestLapSeconds ? $"lap_duration {duration} s is not a possible lap time"
                : duration is not null && start is null ? "the lap has a duration but no date_start, so it cannot be placed in time"
                : start is { Year: < FirstSeason or > LastYear } ? $"date_start {start:yyyy-MM-dd} is not in the years {FirstSeason}-{LastYear}"
                : new[] { s1, s2, s3 }.Any(s => s is < 0) ? "a sector time is negative"
                : null;
            if (problem is not null)
            {
                rejections.Reject(row.Problem(problem));
                return;
            }

            rows.Add(new LapRow(CarId.FromNumber(driver!.Value), lap!.Value, start, duration, s1, s2, s3, i1, i2, st, pitOut, row.Line));
        });
        return rows;
    }

    /// <summary>Reads stints.json from its bytes: the stints of entered cars that pass its checks.</summary>
    internal static List<StintRow> ReadStints(byte[] json, HashSet<CarId> entered, IRejectionSink rejections)
    {
        var stints = new List<StintRow>();
        JsonArrayFile.Read(json, StintsFile, rejections, row =>
        {
            if (!row.TryInt("driver_number", out var driver, out var problem, required: true)
                || !row.TryInt("stint_number", out var number, out problem, required: true)
                || !row.TryInt("lap_start", out var lapStart, out problem, required: true)
                || !row.TryInt("lap_end", out var lapEnd, out problem)
                || !row.TryInt("tyre_age_at_start", out var age, out problem))
            {
                rejections.Reject(row.Problem(problem!));
                return;
            }

            var car = CarId.FromNumber(Math.Clamp(driver!.Value, 0, 999));
            if (!LapChecks.IsEntered(car, entered, StintsFile, row.Line, rejections))
            {
                return;
            }

            var compoundText = row.Text("compound");
            problem = !TyreCompounds.TryParse(compoundText, out var compound) ? $"unknown compound \"{compoundText}\""
                : number < 1 ? $"stint_number {number} is not a stint"
                : lapStart < 1 || lapEnd < lapStart ? $"the stint runs from lap {lapStart} to lap {lapEnd}"
                : age < 0 ? $"tyre_age_at_start {age} is negative"
                : stints.Any(s => s.Car == car && s.Number == number) ? $"duplicate stint {number} of car {car}"
                : null;
            if (problem is not null)
            {
                rejections.Reject(row.Problem(problem));
                return;
            }

            stints.Add(new StintRow(car, number!.Value, lapStart!.Value, lapEnd, compound, age ?? 0));
        });
        return stints;
    }

    /// <summary>Reads weather.json from its bytes, in time order.</summary>
    internal static List<SessionEvent> ReadWeather(byte[] json, IRejectionSink rejections)
    {
        var readings = new List<SessionEvent>();
        JsonArrayFile.Read(json, WeatherFile, rejections, row =>
        {
            if (!row.TryInstant("date", out var at, out var problem)
                || !row.TryDouble("air_temperature", out var air, out problem)
                || !row.TryDouble("track_temperature", out var track, out problem)
                || !row.TryDouble("humidity", out var humidity, out problem)
                || !row.TryDouble("pressure", out var pressure, out problem)
                || !row.TryDouble("rainfall", out var rain, out problem)
                || !row.TryDouble("wind_speed", out var wind, out problem)
                || !row.TryInt("wind_direction", out var direction, out problem))
            {
                rejections.Reject(row.Problem(problem!));
                return;
            }

            if (at is null)
            {
                rejections.Reject(row.Problem("date is missing"));
                return;
            }

            readings.Add(new WeatherObserved
            {
                Session = RaceTimeline.Unassigned,
                Sequence = 0,
                OccurredAt = at.Value,
                AirTemperature = air,
                TrackTemperature = track,
                Humidity = humidity,
                Pressure = pressure,
                Rainfall = rain > 0,
                WindSpeed = wind,
                WindDirection = direction,
            });
        });
        readings.Sort((a, b) => a.OccurredAt.CompareTo(b.OccurredAt));
        return readings;
    }

    private static List<LapDraft> BuildLaps(List<LapRow> rows, List<StintRow> stints, IRejectionSink rejections)
    {
        var drafts = new List<LapDraft>(rows.Count);
        foreach (var row in rows)
        {
            if (row.Duration is not { } duration)
            {
                // The lap a retiring car started but never finished: not a completed lap, not an error.
                continue;
            }

            var stint = stints.FirstOrDefault(s => s.Car == row.Car && s.LapStart <= row.Lap && (s.LapEnd is null || row.Lap <= s.LapEnd));
            var pitIn = stint is { LapEnd: { } end } && end == row.Lap && stints.Any(s => s.Car == row.Car && s.Number == stint.Number + 1);
            drafts.Add(new LapDraft(
                new LapCompleted
                {
                    Session = RaceTimeline.Unassigned,
                    Sequence = 0,
                    Car = row.Car,
                    OccurredAt = row.Start!.Value.AddSeconds(duration),
                    LapStartedAt = row.Start,
                    LapNumber = row.Lap,
                    LapTime = duration,
                    Sector1 = row.S1,
                    Sector2 = row.S2,
                    Sector3 = row.S3,
                    SpeedI1 = row.I1,
                    SpeedI2 = row.I2,
                    SpeedTrap = row.St,
                    Compound = stint?.Compound ?? TyreCompound.Unknown,
                    TyreAge = stint is null ? null : stint.TyreAgeAtStart + (row.Lap - stint.LapStart) + 1,
                    Stint = stint?.Number,
                    PitIn = pitIn,
                    PitOut = row.PitOut,
                },
                LapsFile,
                row.Line));
        }

        return drafts;
    }

    private static List<CarEvent> BuildStintsAndStops(List<LapRow> rows, List<StintRow> stints, DateTimeOffset raceStart)
    {
        var events = new List<CarEvent>();
        var lapStart = rows.Where(r => r.Start is not null).GroupBy(r => (r.Car, r.Lap)).ToDictionary(g => g.Key, g => g.First().Start!.Value);
        var lapEnd = rows.Where(r => r is { Start: not null, Duration: not null }).GroupBy(r => (r.Car, r.Lap))
            .ToDictionary(g => g.Key, g => g.First().Start!.Value.AddSeconds(g.First().Duration!.Value));
        foreach (var car in stints.GroupBy(s => s.Car))
        {
            StintRow? previous = null;
            foreach (var stint in car.OrderBy(s => s.Number))
            {
                // A stint starts with its first lap (for a later stint, the pit-out lap); stint 1 just before the start.
                var at = lapStart.TryGetValue((car.Key, stint.LapStart), out var start) ? start
                    : lapEnd.TryGetValue((car.Key, stint.LapStart - 1), out var end) ? end
                    : raceStart;
                if (stint.Number == 1)
                {
                    at = at.AddMilliseconds(-1);
                }

                if (previous is not null)
                {
                    events.Add(new PitStop
                    {
                        Session = RaceTimeline.Unassigned,
                        Sequence = 0,
                        Car = car.Key,
                        OccurredAt = at,
                        StopNumber = stint.Number - 1,
                        InLap = previous.LapEnd ?? stint.LapStart - 1,
                    });
                }

                events.Add(new StintStarted
                {
                    Session = RaceTimeline.Unassigned,
                    Sequence = 0,
                    Car = car.Key,
                    OccurredAt = at,
                    StintNumber = stint.Number,
                    LapStart = stint.LapStart,
                    Compound = stint.Compound,
                    TyreAgeAtStart = stint.TyreAgeAtStart,
                });
                previous = stint;
            }
        }

        return events;
    }

    private static DateTimeOffset? FirstSampleTime(SourceFiles files, List<(CarId Car, string Name)> carData)
    {
        DateTimeOffset? first = null;
        foreach (var (car, name) in carData)
        {
            var sample = CarDataReader.Read(files, name, car, new RejectionLog(keep: 0), CancellationToken.None).Take(1).ToList();
            if (sample.Count == 1 && (first is null || sample[0].At < first))
            {
                first = sample[0].At;
            }
        }

        return first;
    }
}
