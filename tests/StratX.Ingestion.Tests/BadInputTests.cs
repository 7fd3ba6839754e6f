using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.History;
using StratX.Ingestion.OpenF1;
using StratX.Ingestion.Validation;
using StratX.Tests;

namespace StratX.Ingestion.Tests;

/// <summary>
/// Each test takes the real bundled files, breaks one record the way feeds break (said in the test), and
/// checks that exactly that record is rejected with its file, line and reason, and everything else is read.
/// </summary>
public class BadInputTests
{
    private const int CompletedLaps = 1055;
    private static readonly SessionKey Session = new(TenantId.Demo, new SessionId("bad-input"));
    private static readonly HistoryTables History = HistoryTables.Load(RepoPaths.History);

    [Fact]
    public void A_truncated_laps_file_keeps_every_lap_before_the_cut()
    {
        using var files = new Manipulated();
        var laps = Manipulated.LoadArray("laps.json");
        var path = files.WriteArray("laps.json", laps);

        // The file is cut in the middle of object 600 (line 602), as a download that broke off would be.
        var lines = File.ReadAllLines(path);
        File.WriteAllText(path, string.Join('\n', lines[..601]) + "\n" + lines[601][..40]);
        var expected = laps.Take(600).Count(l => l!["lap_duration"] is not null);

        var (recording, rejections) = Open(files);

        var rejection = Assert.Single(rejections.Recent());
        Assert.Equal("openf1_json/laps.json", rejection.File);
        Assert.Equal(602, rejection.Line);
        Assert.Contains("cut short", rejection.Reason);
        Assert.Equal(expected, Laps(recording).Count);
    }

    [Fact]
    public void A_lap_time_that_is_not_a_number_rejects_that_lap_only()
    {
        using var files = new Manipulated();
        var laps = Manipulated.LoadArray("laps.json");
        var index = Manipulated.IndexOf(laps, 44, 20);
        laps[index]!["lap_duration"] = "1:3x";
        files.WriteArray("laps.json", laps);

        var (recording, rejections) = Open(files);

        var rejection = Assert.Single(rejections.Recent());
        Assert.Equal(("openf1_json/laps.json", index + 2L), (rejection.File, rejection.Line));
        Assert.Equal("lap_duration \"1:3x\" is not a number", rejection.Reason);
        var all = Laps(recording);
        Assert.Equal(CompletedLaps - 1, all.Count);
        Assert.DoesNotContain(all, l => l.Car.Value == "44" && l.LapNumber == 20);
        Assert.Contains(all, l => l.Car.Value == "44" && l.LapNumber == 21);
    }

    [Fact]
    public void A_lap_of_a_car_not_on_the_entry_list_is_rejected_as_an_unknown_driver()
    {
        using var files = new Manipulated();
        var laps = Manipulated.LoadArray("laps.json");
        var index = Manipulated.IndexOf(laps, 1, 30);
        laps[index]!["driver_number"] = 99;
        files.WriteArray("laps.json", laps);

        var (recording, rejections) = Open(files);

        var rejection = Assert.Single(rejections.Recent());
        Assert.Equal(index + 2L, rejection.Line);
        Assert.Equal("unknown driver: car 99 is not on the entry list", rejection.Reason);
        Assert.Equal(CompletedLaps - 1, Laps(recording).Count);
        Assert.DoesNotContain(recording.Race.Entries, e => e.Car.Value == "99");
    }

    [Fact]
    public void A_lap_that_ends_before_the_previous_one_is_rejected_as_out_of_order()
    {
        using var files = new Manipulated();
        var laps = Manipulated.LoadArray("laps.json");
        var lap9 = Manipulated.IndexOf(laps, 1, 9);
        var lap10 = Manipulated.IndexOf(laps, 1, 10);

        // Lap 10 stamped as starting a minute before lap 9 did: a clock jump in the feed.
        var lap9Start = DateTimeOffset.Parse((string)laps[lap9]!["date_start"]!, System.Globalization.CultureInfo.InvariantCulture);
        laps[lap10]!["date_start"] = lap9Start.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        files.WriteArray("laps.json", laps);

        var (recording, rejections) = Open(files);

        var rejection = Assert.Single(rejections.Recent());
        Assert.Equal(lap10 + 2L, rejection.Line);
        Assert.Contains("lap 10 of car 1", rejection.Reason);
        Assert.Contains($"not after lap 9 (line {lap9 + 2},", rejection.Reason);
        Assert.Contains("out of order", rejection.Reason);
        Assert.Equal(CompletedLaps - 1, Laps(recording).Count);
    }

    [Fact]
    public void A_lap_given_twice_keeps_the_first_and_rejects_the_second()
    {
        using var files = new Manipulated();
        var laps = Manipulated.LoadArray("laps.json");
        var first = Manipulated.IndexOf(laps, 14, 12);
        var copy = laps[first]!.DeepClone();
        copy["lap_duration"] = 120.0;
        laps.Add(copy);
        files.WriteArray("laps.json", laps);

        var (recording, rejections) = Open(files);

        var rejection = Assert.Single(rejections.Recent());
        Assert.Equal(laps.Count + 1L, rejection.Line);
        Assert.Equal($"duplicate lap 12 of car 14 (first given at line {first + 2}); this one is ignored", rejection.Reason);
        var all = Laps(recording);
        Assert.Equal(CompletedLaps, all.Count);
        Assert.NotEqual(120.0, all.Single(l => l.Car.Value == "14" && l.LapNumber == 12).LapTime);
    }

    [Fact]
    public void An_unknown_compound_rejects_the_stint_and_the_laps_still_come_through()
    {
        using var files = new Manipulated();
        var stints = Manipulated.LoadArray("stints.json");
        stints[0]!["compound"] = "SUPERSOFTEST";
        files.WriteArray("stints.json", stints);

        var (recording, rejections) = Open(files);

        var rejection = Assert.Single(rejections.Recent());
        Assert.Equal(("openf1_json/stints.json", 2L, "unknown compound \"SUPERSOFTEST\""), (rejection.File, rejection.Line, rejection.Reason));
        Assert.Equal(CompletedLaps, Laps(recording).Count);
    }

    [Fact]
    public void Bad_car_data_rows_are_rejected_and_every_other_sample_is_kept()
    {
        using var files = new Manipulated();
        files.CopyCarData("driver_01.csv.gz", lines =>
        {
            lines[1000] = lines[1000].Replace(",1,", ",1,fast,", StringComparison.Ordinal);  // an extra column
            var fields = lines[2000].Split(',');
            fields[4] = "fast";                                                               // a speed that is no number
            lines[2000] = string.Join(',', fields);
            fields = lines[3000].Split(',');
            fields[0] = "2023-03-05T13:00:00.000Z";                                           // a timestamp going back in time
            lines[3000] = string.Join(',', fields);
        });

        var (recording, rejections) = Open(files, carData: true);
        var samples = recording.Read(Session, TestContext.Current.CancellationToken).Count(i => i.IsSample);

        Assert.Equal(
            [
                "car_data/driver_01.csv.gz:1001: expected 10 columns, found 11",
                "car_data/driver_01.csv.gz:2001: speed 'fast' is not a whole number in 0-450 km/h",
                "car_data/driver_01.csv.gz:3001: date 13:00:00.000 is earlier than the row before it (line 3000)",
            ],
            rejections.Recent().Select(r => r.ToString()));
        Assert.Equal(36_015 - 3, samples);
    }

    [Fact]
    public void A_missing_laps_file_is_a_clear_error()
    {
        using var files = new Manipulated();
        File.Delete(Path.Combine(files.Folder, "openf1_json", "laps.json"));

        var error = Assert.Throws<FileNotFoundException>(() => OpenF1Recording.Open(files.Folder, new RejectionLog(), History));
        Assert.Contains("openf1_json/laps.json is missing", error.Message);
    }

    [Fact]
    public void Broken_rows_of_a_fastf1_season_file_are_rejected_and_the_race_still_reads()
    {
        var folder = Directory.CreateTempSubdirectory("stratx-fastf1-").FullName;
        try
        {
            var lines = File.ReadAllLines(RepoPaths.FastF1Laps2021).Where((l, i) => i == 0 || l.Contains(",22,Abu Dhabi Grand Prix,", StringComparison.Ordinal)).ToList();
            var header = lines[0].Split(',');
            int time = Array.IndexOf(header, "Time"), driver = Array.IndexOf(header, "Driver"), number = Array.IndexOf(header, "DriverNumber");
            string Edit(int index, Func<string[], string[]> change) => string.Join(',', change(lines[index].Split(',')));

            lines[10] = Edit(10, f => { f[time] = "0 days xx:12:00"; return f; });                       // a bad time
            lines[20] = Edit(20, f => { f[driver] = "XYZ"; f[number] = "98"; return f; });               // an unknown driver
            lines.Add(lines[30]);                                                                         // a duplicate lap
            var path = Path.Combine(folder, "race_laps_2021.csv");
            File.WriteAllLines(path, lines);

            var rejections = new RejectionLog();
            var recording = FastF1Recording.Open(path, 22, rejections, History);
            var laps = recording.Read(Session, TestContext.Current.CancellationToken).Select(i => i.Event).OfType<LapCompleted>().Count();

            Assert.Equal(
                [
                    "race_laps_2021.csv:11: Time '0 days xx:12:00' is not a session time (expected e.g. '0 days 01:05:23.781000')",
                    "race_laps_2021.csv:21: unknown driver: XYZ #98 is not on the entry list",
                    $"race_laps_2021.csv:{lines.Count}: duplicate lap {lines[30].Split(',')[Array.IndexOf(header, "LapNumber")].Split('.')[0]} of car {lines[30].Split(',')[number]} (first given at line 31); this one is ignored",
                ],
                rejections.Recent().Select(r => r.ToString()));
            var full = FastF1Recording.Open(RepoPaths.FastF1Laps2021, 22, new RejectionLog()).Read(Session, TestContext.Current.CancellationToken).Select(i => i.Event).OfType<LapCompleted>().Count();
            Assert.Equal(full - 2, laps);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_season_file_whose_name_ends_in_a_newline_is_not_taken_for_a_season_file()
    {
        // Real rows of round 22 in a file named "race_laps_2021.csv\n": the season pattern ended in $, which also
        // matches before a final newline, so the file was read as the 2021 season.
        var folder = Directory.CreateTempSubdirectory("stratx-fastf1-").FullName;
        try
        {
            var lines = File.ReadAllLines(RepoPaths.FastF1Laps2021).Where((l, i) => i == 0 || l.Contains(",22,Abu Dhabi Grand Prix,", StringComparison.Ordinal)).Take(41);
            var path = Path.Combine(folder, "race_laps_2021.csv\n");
            File.WriteAllLines(path, lines);

            Assert.Null(FastF1Recording.SeasonOf(path));
            var error = Assert.Throws<InvalidDataException>(() => FastF1Recording.Open(path, 22, new RejectionLog(), History));
            Assert.Contains("the season is not in the file name", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_lap_whose_text_is_not_utf8_rejects_that_lap_only()
    {
        // Found by fuzzing: a string field holding bytes that are not UTF-8 threw InvalidOperationException out of Open.
        using var files = new Manipulated();
        var laps = Manipulated.LoadArray("laps.json");
        var index = Manipulated.IndexOf(laps, 44, 20);
        laps[index]!["date_start"] = "MARKER";
        var path = files.WriteArray("laps.json", laps);
        var text = File.ReadAllBytes(path);
        var at = text.AsSpan().IndexOf("MARKER"u8);
        File.WriteAllBytes(path, [.. text[..at], 0xC3, 0x28, .. text[(at + 6)..]]);

        var (recording, rejections) = Open(files);

        var rejection = Assert.Single(rejections.Recent());
        Assert.Equal(("openf1_json/laps.json", index + 2L), (rejection.File, rejection.Line));
        Assert.Contains("is not valid text", rejection.Reason);
        Assert.Equal(CompletedLaps - 1, Laps(recording).Count);
    }

    [Fact]
    public void A_stint_with_a_lone_surrogate_escape_rejects_that_stint_only()
    {
        // Found by fuzzing: "\ud800" is well-formed JSON but no text; reading it threw out of Open.
        using var files = new Manipulated();
        var stints = Manipulated.LoadArray("stints.json");
        stints[0]!["compound"] = "MARKER";
        var path = files.WriteArray("stints.json", stints);
        File.WriteAllText(path, File.ReadAllText(path).Replace("MARKER", "\\ud800", StringComparison.Ordinal));

        var (recording, rejections) = Open(files);

        var rejection = Assert.Single(rejections.Recent());
        Assert.Equal(("openf1_json/stints.json", 2L), (rejection.File, rejection.Line));
        Assert.Contains("is not valid text", rejection.Reason);
        Assert.Equal(CompletedLaps, Laps(recording).Count);
    }

    [Fact]
    public void Car_data_broken_by_a_stray_quote_keeps_every_sample_before_it()
    {
        // Found by fuzzing: CSV the reader cannot split ("12"x) threw CsvInvalidCharacterException out of the replay.
        using var files = new Manipulated();
        files.CopyCarData("driver_01.csv.gz", lines =>
        {
            var fields = lines[2000].Split(',');
            fields[4] = "\"12\"x";
            lines[2000] = string.Join(',', fields);
        });

        var (recording, rejections) = Open(files, carData: true);
        var samples = recording.Read(Session, TestContext.Current.CancellationToken).Count(i => i.IsSample);

        var rejection = Assert.Single(rejections.Recent());
        Assert.Equal(("car_data/driver_01.csv.gz", 2001L), (rejection.File, rejection.Line));
        Assert.StartsWith("the CSV is broken here (", rejection.Reason);
        Assert.EndsWith("nothing after this point was read", rejection.Reason);
        Assert.Equal(1999, samples);
    }

    [Fact]
    public void A_safety_car_table_broken_by_a_quote_that_never_closes_keeps_the_rows_before_it()
    {
        // Found by fuzzing: an unclosed quote threw CsvInvalidCharacterException out of Neutralisations.Read.
        var folder = Directory.CreateTempSubdirectory("stratx-history-").FullName;
        try
        {
            var lines = File.ReadAllLines(Path.Combine(RepoPaths.History, Neutralisations.SafetyCarsFile));
            var race = lines[1].Split(',')[0];
            File.WriteAllLines(Path.Combine(folder, Neutralisations.SafetyCarsFile), [.. lines[..3], "\"" + lines[3], .. lines[4..]]);

            var rejections = new RejectionLog();
            var found = Neutralisations.Read(folder, race, rejections, []);

            var rejection = Assert.Single(rejections.Recent());
            Assert.Equal((Neutralisations.SafetyCarsFile, 4L), (rejection.File, rejection.Line));
            Assert.Contains("the CSV is broken here", rejection.Reason);
            Assert.Single(found!);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_lap_started_at_the_end_of_the_calendar_rejects_that_lap_only()
    {
        // Found reading the parser while writing its fuzz target: a date_start whose lap would end after the year 9999 threw ArgumentOutOfRangeException out of Open.
        using var files = new Manipulated();
        var laps = Manipulated.LoadArray("laps.json");
        var index = Manipulated.IndexOf(laps, 44, 20);
        laps[index]!["date_start"] = "9999-12-31T23:59:00+00:00";
        files.WriteArray("laps.json", laps);

        var (recording, rejections) = Open(files);

        var rejection = Assert.Single(rejections.Recent());
        Assert.Equal(("openf1_json/laps.json", index + 2L, "date_start 9999-12-31 is not in the years 1950-9998"), (rejection.File, rejection.Line, rejection.Reason));
        Assert.Equal(CompletedLaps - 1, Laps(recording).Count);
    }

    [Fact]
    public void A_fastf1_session_time_beyond_the_calendar_rejects_that_lap_only()
    {
        // Found reading the parser while writing its fuzz target: a Time of millions of days parsed, then placing it in time threw out of Open.
        var folder = Directory.CreateTempSubdirectory("stratx-fastf1-").FullName;
        try
        {
            var lines = File.ReadAllLines(RepoPaths.FastF1Laps2021).Where((l, i) => i == 0 || l.Contains(",22,Abu Dhabi Grand Prix,", StringComparison.Ordinal)).ToList();
            var time = Array.IndexOf(lines[0].Split(','), "Time");
            var fields = lines[10].Split(',');
            fields[time] = "5000000 days 00:00:00";
            lines[10] = string.Join(',', fields);
            var path = Path.Combine(folder, "race_laps_2021.csv");
            File.WriteAllLines(path, lines);

            var rejections = new RejectionLog();
            var laps = FastF1Recording.Open(path, 22, rejections, History).Read(Session, TestContext.Current.CancellationToken).Select(i => i.Event).OfType<LapCompleted>().Count();

            Assert.Equal(["race_laps_2021.csv:11: Time '5000000 days 00:00:00' is not a session time (expected e.g. '0 days 01:05:23.781000')"], rejections.Recent().Select(r => r.ToString()));
            var full = FastF1Recording.Open(RepoPaths.FastF1Laps2021, 22, new RejectionLog()).Read(Session, TestContext.Current.CancellationToken).Select(i => i.Event).OfType<LapCompleted>().Count();
            Assert.Equal(full - 1, laps);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("2009-13-29", "races.csv line 2: date '2009-13-29' is not a date (yyyy-MM-dd).")]
    [InlineData("DUPLICATE", "races.csv: raceId 1 is given to more than one row.")]
    [InlineData("\"2009-03-29\"x", "races.csv line 2: the CSV is broken here (")]
    public void A_malformed_races_table_is_an_invalid_data_error_naming_file_and_line(string date, string expected)
    {
        // Found writing the races.csv fuzz target (each checked to throw before the fix): a bad date threw FormatException, a repeated raceId ArgumentException and
        // CSV the reader cannot split CsvInvalidCharacterException out of HistoryTables.Load, which promises InvalidDataException.
        var folder = Directory.CreateTempSubdirectory("stratx-history-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(RepoPaths.History, "*.csv"))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            var races = File.ReadAllLines(Path.Combine(folder, "races.csv")).ToList();
            if (date == "DUPLICATE")
            {
                races.Add(races[1]);
            }
            else
            {
                races[1] = races[1].Replace("\"2009-03-29\"", date, StringComparison.Ordinal);
            }

            File.WriteAllLines(Path.Combine(folder, "races.csv"), races);

            var error = Assert.Throws<InvalidDataException>(() => HistoryTables.Load(folder));
            Assert.StartsWith(expected, error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (OpenF1Recording Recording, RejectionLog Rejections) Open(Manipulated files, bool carData = false)
    {
        var rejections = new RejectionLog();
        return (OpenF1Recording.Open(files.Folder, rejections, History, carData), rejections);
    }

    private static List<LapCompleted> Laps(OpenF1Recording recording) =>
        [.. recording.Read(Session, TestContext.Current.CancellationToken).Select(i => i.Event).OfType<LapCompleted>()];
}
