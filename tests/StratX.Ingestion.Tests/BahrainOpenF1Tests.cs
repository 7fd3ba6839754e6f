using System.Text.Json;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Ingestion.History;
using StratX.Ingestion.OpenF1;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Validation;
using StratX.Tests;

namespace StratX.Ingestion.Tests;

/// <summary>Reads the whole bundled 2023 Bahrain recording once (720k samples) for every test in the class.</summary>
public sealed class BahrainRecording
{
    public static readonly SessionKey Session = new(TenantId.Demo, new SessionId("bahrain"));

    public BahrainRecording()
    {
        Recording = OpenF1Recording.Open(RepoPaths.BahrainOpenF1, Rejections);
        Items = [.. Recording.Read(Session)];
    }

    public RejectionLog Rejections { get; } = new();

    public OpenF1Recording Recording { get; }

    public List<SourceItem> Items { get; }

    public IEnumerable<T> Events<T>() => Items.Where(i => i.Event is T).Select(i => (T)(object)i.Event!);
}

public class BahrainOpenF1Tests(BahrainRecording bahrain) : IClassFixture<BahrainRecording>
{
    private static readonly string LapsJson = Path.Combine(RepoPaths.BahrainOpenF1, "openf1_json", "laps.json");
    private static readonly string StintsJson = Path.Combine(RepoPaths.BahrainOpenF1, "openf1_json", "stints.json");

    [Fact]
    public void The_bundled_files_are_read_without_a_single_rejection()
    {
        Assert.True(bahrain.Rejections.Count == 0, string.Join("\n", bahrain.Rejections.Recent(10)));
        Assert.Empty(bahrain.Recording.Warnings);
        Assert.Equal("2023 Bahrain Grand Prix", bahrain.Recording.Race.Name);
        Assert.Equal(57, bahrain.Recording.Race.ScheduledLaps);
        Assert.Equal(20, bahrain.Recording.Race.Entries.Count);
    }

    [Fact]
    public void Every_lap_with_a_duration_is_a_completed_lap_and_laps_per_car_equal_laps_json()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(LapsJson));
        var expected = json.RootElement.EnumerateArray()
            .Where(l => l.GetProperty("lap_duration").ValueKind == JsonValueKind.Number)
            .GroupBy(l => l.GetProperty("driver_number").GetInt32())
            .ToDictionary(g => g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), g => g.Count());

        var laps = bahrain.Events<LapCompleted>().ToList();

        Assert.Equal(1055, laps.Count);
        Assert.Equal(expected, laps.GroupBy(l => l.Car.Value).ToDictionary(g => g.Key, g => g.Count()));
    }

    [Fact]
    public void Stints_equal_stints_json()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(StintsJson));
        var expected = json.RootElement.EnumerateArray()
            .Select(s => (Car: s.GetProperty("driver_number").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), Number: s.GetProperty("stint_number").GetInt32(), LapStart: s.GetProperty("lap_start").GetInt32(), Compound: s.GetProperty("compound").GetString(), Age: s.GetProperty("tyre_age_at_start").GetInt32()))
            .OrderBy(s => s.Car).ThenBy(s => s.Number).ToList();

        var stints = bahrain.Events<StintStarted>()
            .Select(s => (Car: s.Car.Value, Number: s.StintNumber, s.LapStart, Compound: (string?)Domain.Racing.TyreCompounds.ToFeedName(s.Compound), Age: s.TyreAgeAtStart))
            .OrderBy(s => s.Car).ThenBy(s => s.Number).ToList();

        Assert.Equal(expected, stints);
        Assert.Equal(expected.Count - 20, bahrain.Events<PitStop>().Count());
    }

    [Fact]
    public void Ordering_cars_by_laps_then_last_crossing_gives_the_official_result()
    {
        var history = HistoryTables.Load(RepoPaths.History);
        var official = history.ResultsOf(1098).Select(r => r.DriverCode).ToList();
        var codes = bahrain.Recording.Race.Entries.ToDictionary(e => e.Car, e => e.DriverCode);

        var order = bahrain.Events<LapCompleted>()
            .GroupBy(l => l.Car)
            .Select(g => g.MaxBy(l => l.LapNumber)!)
            .OrderByDescending(l => l.LapNumber).ThenBy(l => l.OccurredAt)
            .Select(l => codes[l.Car])
            .ToList();

        Assert.Equal(official, order);
    }

    [Fact]
    public void Positions_at_the_last_crossing_match_the_official_classification_of_the_finishers()
    {
        var history = HistoryTables.Load(RepoPaths.History);
        var finishers = history.ResultsOf(1098).Where(r => r.Laps == 57).Select(r => r.Number!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var lastLaps = bahrain.Events<LapCompleted>().Where(l => l.LapNumber == 57).OrderBy(l => l.Position).ToList();

        Assert.Equal(finishers, lastLaps.Select(l => l.Car.Value));
        Assert.Equal(11.987, lastLaps[1].GapToLeader!.Value.Seconds, 1);
    }

    [Fact]
    public void Items_come_in_time_order_with_dense_sequence_numbers_per_stream()
    {
        for (var i = 1; i < bahrain.Items.Count; i++)
        {
            Assert.True(bahrain.Items[i].At >= bahrain.Items[i - 1].At, $"item {i} goes back in time");
        }

        var samples = bahrain.Items.Where(i => i.IsSample).ToList();
        Assert.Equal(720_300, samples.Count);
        foreach (var car in samples.GroupBy(s => s.Car))
        {
            Assert.Equal(Enumerable.Range(1, car.Count()).Select(n => (long)n), car.Select(s => s.SampleSequence));
        }

        foreach (var car in bahrain.Events<CarEvent>().GroupBy(e => e.Car))
        {
            Assert.Equal(Enumerable.Range(1, car.Count()).Select(n => (long)n), car.Select(e => e.Sequence));
        }

        var session = bahrain.Events<SessionEvent>().ToList();
        Assert.Equal(Enumerable.Range(1, session.Count).Select(n => (long)n), session.Select(e => e.Sequence));
        Assert.IsType<SessionOpened>(session[0]);
        Assert.IsType<SessionEnded>(session[^1]);
        Assert.Single(session.OfType<RaceControlMessage>(), m => m.IsChequeredFlag);
    }

    [Fact]
    public void The_vsc_of_the_history_tables_is_in_the_track_status_and_on_the_leaders_laps()
    {
        // virtual_safety_cars.csv: "2023 Bahrain Grand Prix,39,40,2"; the field ran lap 39 at green pace (median
        // 97.8 s) and laps 40-41 slow (110.3 s, 125.4 s): deployed during lap 40, withdrawn during lap 41.
        var changes = bahrain.Events<TrackStatusChanged>().Select(c => (c.Status, c.Lap)).ToList();
        var leaderLaps = bahrain.Events<LapCompleted>().Where(l => l.Position == 1).ToDictionary(l => l.LapNumber, l => l.TrackStatus);

        Assert.Equal([(TrackStatus.Green, 1), (TrackStatus.VirtualSafetyCar, 40), (TrackStatus.Green, 41)], changes);
        Assert.Equal(57, leaderLaps.Count);
        Assert.All(leaderLaps, l => Assert.Equal(l.Key is 40 or 41 ? TrackStatus.VirtualSafetyCar : TrackStatus.Green, l.Value));
    }

    [Fact]
    public void Car_data_for_chosen_cars_only_gives_their_samples_as_the_full_read_has_them_and_the_same_timing()
    {
        // A team's replay: its own cars' car data and the whole field's timing. Car 99 is not entered.
        var chosen = new HashSet<CarId> { new("1"), new("44"), new("99") };
        var recording = OpenF1Recording.Open(RepoPaths.BahrainOpenF1, new RejectionLog(), carDataOf: chosen);
        var items = recording.Read(BahrainRecording.Session, TestContext.Current.CancellationToken).ToList();
        static string Describe(SourceItem i) => i.IsSample ? $"{i.Car}#{i.SampleSequence}@{i.At:O}" : JsonSerializer.Serialize<object>(i.Event!);

        var samples = items.Where(i => i.IsSample).ToList();
        Assert.Equal(["1", "44"], samples.Select(s => s.Car.Value).Distinct().Order());
        Assert.Equal(
            bahrain.Items.Where(i => i.IsSample && (i.Car.Value is "1" or "44")).Select(Describe),
            samples.Select(Describe));
        Assert.Equal(bahrain.Items.Where(i => !i.IsSample).Select(Describe), items.Where(i => !i.IsSample).Select(Describe));
        Assert.Equal(["Car 99 was asked for car data, but the recording has none for it (or it is not entered): its laps come without telemetry."], recording.Warnings);
    }

    [Fact]
    public void Reading_twice_gives_the_same_items()
    {
        var again = OpenF1Recording.Open(RepoPaths.BahrainOpenF1, new RejectionLog()).Read(BahrainRecording.Session, TestContext.Current.CancellationToken).ToList();
        static string Describe(SourceItem i) => i.IsSample ? $"{i.Car}#{i.SampleSequence}@{i.At:O}" : JsonSerializer.Serialize<object>(i.Event!);

        Assert.Equal(bahrain.Items.Count, again.Count);
        Assert.Equal(bahrain.Items.Select(Describe), again.Select(Describe));
    }
}
