using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Ingestion.Catalog;
using StratX.Ingestion.History;
using StratX.Ingestion.OpenF1;
using StratX.Ingestion.Validation;
using StratX.Tests;

namespace StratX.Ingestion.Tests;

/// <summary>The bundled 2024 Chinese Grand Prix, laps only (its track status does not need car data).</summary>
public sealed class ChinaRecording
{
    public static readonly string Folder = Path.Combine(RepoPaths.Data, "openf1", "2024-china-race");
    public static readonly SessionKey Session = new(TenantId.Demo, new SessionId("china"));

    public ChinaRecording()
    {
        Recording = OpenF1Recording.Open(Folder, Rejections, includeCarData: false);
        Events = [.. Recording.Read(Session).Select(i => i.Event!)];
    }

    public RejectionLog Rejections { get; } = new();

    public OpenF1Recording Recording { get; }

    public List<RaceEvent> Events { get; }
}

/// <summary>
/// OpenF1 has no track status; the history's neutralisation tables give it. For the 2024 Chinese Grand Prix
/// they hold (virtual_safety_cars.csv line 83, safety_cars.csv lines 336–337): a VSC deployed on lap 20 and
/// withdrawn on lap 22, a safety car from lap 24 to 27 and another from lap 27 to 32.
/// </summary>
public class TrackStatusTests(ChinaRecording china) : IClassFixture<ChinaRecording>
{
    [Fact]
    public void The_chinese_grand_prix_is_bundled_read_cleanly_and_in_the_catalog()
    {
        Assert.True(china.Rejections.Count == 0, string.Join("\n", china.Rejections.Recent(10)));
        Assert.Empty(china.Recording.Warnings);
        Assert.Equal("2024 Chinese Grand Prix", china.Recording.Race.Name);
        Assert.Equal(56, china.Recording.Race.ScheduledLaps);

        Assert.True(RaceCatalog.Scan(RepoPaths.Data).TryFind("2024-china-race", out var race));
        Assert.Equal(2024, race.Season);
        Assert.Equal(Path.GetFullPath(ChinaRecording.Folder), Path.GetFullPath(race.Path));
    }

    [Fact]
    public void Status_changes_fall_on_the_leader_laps_of_the_history_tables_or_where_the_field_slowed()
    {
        var changes = china.Events.OfType<TrackStatusChanged>().Select(c => (c.Status, c.Lap)).ToList();

        // The table deploys the VSC on lap 20 (green on 22), but the field ran lap 20 at green pace (median 102.1 s)
        // and lap 21 15% slower (117.6 s): the VSC came out during lap 21 and, a lap later too, ended during 23.
        // The safety cars' laps are slow where the table says.
        Assert.Equal(
            [
                (TrackStatus.Green, 1),
                (TrackStatus.VirtualSafetyCar, 21),
                (TrackStatus.Green, 23),
                (TrackStatus.SafetyCar, 24),
                (TrackStatus.Green, 27),
                (TrackStatus.SafetyCar, 27),
                (TrackStatus.Green, 32),
            ],
            changes);
    }

    [Fact]
    public void Deployments_are_inside_their_lap_and_a_safety_car_restart_is_at_the_leaders_crossing()
    {
        var leader = LeaderCrossings(china.Events);
        var changes = china.Events.OfType<TrackStatusChanged>().ToList();

        foreach (var deployed in changes.Where(c => c.Status != TrackStatus.Green))
        {
            Assert.InRange(deployed.OccurredAt, leader[deployed.Lap!.Value - 1].AddTicks(1), leader[deployed.Lap!.Value].AddTicks(-1));
        }

        // The safety cars come in as the leader starts laps 27 and 32, i.e. at the crossings ending 26 and 31.
        Assert.Equal(leader[26], changes.Single(c => c is { Status: TrackStatus.Green, Lap: 27 }).OccurredAt);
        Assert.Equal(leader[31], changes.Single(c => c is { Status: TrackStatus.Green, Lap: 32 }).OccurredAt);

        // The VSC ends during lap 23, so that lap counts as one under it.
        Assert.InRange(changes.Single(c => c is { Status: TrackStatus.Green, Lap: 23 }).OccurredAt, leader[22].AddTicks(1), leader[23].AddTicks(-1));
    }

    [Fact]
    public void Laps_run_under_a_neutralisation_carry_its_status()
    {
        var laps = china.Events.OfType<LapCompleted>().ToList();
        var leaderLaps = laps.Where(l => l.Position == 1).OrderBy(l => l.LapNumber).ToDictionary(l => l.LapNumber, l => l.TrackStatus);

        Assert.Equal(56, leaderLaps.Count);
        foreach (var (lap, status) in leaderLaps)
        {
            var expected = lap switch
            {
                >= 21 and <= 23 => TrackStatus.VirtualSafetyCar,
                >= 24 and <= 31 => TrackStatus.SafetyCar,
                _ => TrackStatus.Green,
            };
            Assert.True(expected == status, $"leader lap {lap} is {status}, expected {expected}");
        }

        // Every car's lap run wholly between a safety car's deployment and its restart is a safety car lap.
        var changes = china.Events.OfType<TrackStatusChanged>().ToList();
        var previousEnd = laps.ToDictionary(l => (l.Car, l.LapNumber), l => l.OccurredAt);
        var checkedLaps = 0;
        for (var i = 0; i < changes.Count - 1; i++)
        {
            if (changes[i].Status != TrackStatus.SafetyCar)
            {
                continue;
            }

            foreach (var lap in laps.Where(l => previousEnd.TryGetValue((l.Car, l.LapNumber - 1), out var start) && start >= changes[i].OccurredAt && l.OccurredAt <= changes[i + 1].OccurredAt))
            {
                Assert.Equal(TrackStatus.SafetyCar, lap.TrackStatus);
                checkedLaps++;
            }
        }

        // A car behind the leader finishes laps 26 and 31 after the restart, so laps 25, 28, 29 and 30 of the field at least.
        Assert.True(checkedLaps >= 4 * 18, $"only {checkedLaps} laps lay wholly under a safety car");
        Assert.All(laps.Where(l => l.OccurredAt < changes[1].OccurredAt), l => Assert.Equal(TrackStatus.Green, l.TrackStatus));
    }

    [Fact]
    public void A_malformed_safety_car_row_is_rejected_with_file_and_line_and_the_other_rows_still_apply()
    {
        var folder = Directory.CreateTempSubdirectory("stratx-bad-history-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(RepoPaths.History))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            // The first Chinese safety car (lap 24 to 27) gets a Retreated lap that is not a number.
            var path = Path.Combine(folder, Neutralisations.SafetyCarsFile);
            var lines = File.ReadAllLines(path);
            var index = Array.IndexOf(lines, "2024 Chinese Grand Prix,Stranded car,24,27,2");
            Assert.True(index > 0, "the row is not in safety_cars.csv");
            lines[index] = "2024 Chinese Grand Prix,Stranded car,24,twenty-seven,2";
            File.WriteAllLines(path, lines);

            var rejections = new RejectionLog();
            var recording = OpenF1Recording.Open(ChinaRecording.Folder, rejections, HistoryTables.Load(folder), includeCarData: false);
            var changes = recording.Read(ChinaRecording.Session, TestContext.Current.CancellationToken)
                .Select(i => i.Event).OfType<TrackStatusChanged>().Select(c => (c.Status, c.Lap)).ToList();

            var rejection = Assert.Single(rejections.Recent());
            Assert.Equal((Neutralisations.SafetyCarsFile, index + 1L), (rejection.File, rejection.Line));
            Assert.Equal("Retreated 'twenty-seven' is not a lap", rejection.Reason);
            Assert.Equal(
                [
                    (TrackStatus.Green, 1),
                    (TrackStatus.VirtualSafetyCar, 21),
                    (TrackStatus.Green, 23),
                    (TrackStatus.SafetyCar, 27),
                    (TrackStatus.Green, 32),
                ],
                changes);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The first crossing at the end of each lap; index 0 is the earliest lap start.</summary>
    internal static Dictionary<int, DateTimeOffset> LeaderCrossings(IEnumerable<RaceEvent> events)
    {
        var laps = events.OfType<LapCompleted>().ToList();
        var crossings = laps.GroupBy(l => l.LapNumber).ToDictionary(g => g.Key, g => g.Min(l => l.OccurredAt));
        crossings[0] = laps.Where(l => l.LapNumber == 1).Min(l => l.LapStartedAt!.Value);
        return crossings;
    }
}
