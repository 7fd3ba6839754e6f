using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.History;
using StratX.Ingestion.Validation;
using StratX.Tests;

namespace StratX.Ingestion.Tests;

public class AbuDhabiFastF1Tests
{
    private static readonly SessionKey Session = new(TenantId.Demo, new SessionId("abu-dhabi"));

    [Fact]
    public void Round_22_of_2021_reproduces_the_official_order_and_lap_counts()
    {
        var rejections = new RejectionLog();
        var recording = FastF1Recording.Open(RepoPaths.FastF1Laps2021, 22, rejections);
        var events = recording.Read(Session, TestContext.Current.CancellationToken).Select(i => i.Event!).ToList();
        var official = HistoryTables.Load(RepoPaths.History).ResultsOf(1073).Where(r => r.Laps > 0).ToList();

        Assert.Equal(0, rejections.Count);
        Assert.Equal("2021 Abu Dhabi Grand Prix", recording.Race.Name);
        Assert.Equal(58, recording.Race.ScheduledLaps);
        Assert.Equal(19, recording.Race.Entries.Count);
        var finals = events.OfType<LapCompleted>().GroupBy(l => l.Car).Select(g => g.MaxBy(l => l.LapNumber)!)
            .OrderByDescending(l => l.LapNumber).ThenBy(l => l.OccurredAt).ToList();
        Assert.Equal(official.Select(r => (r.Number!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Laps)), finals.Select(l => (l.Car.Value, l.LapNumber)));
    }

    [Fact]
    public void The_race_starts_at_the_scheduled_time_and_safety_car_periods_come_from_the_leaders_laps()
    {
        var recording = FastF1Recording.Open(RepoPaths.FastF1Laps2021, 22, new RejectionLog());
        var events = recording.Read(Session, TestContext.Current.CancellationToken).Select(i => i.Event!).ToList();

        Assert.Equal(new DateTimeOffset(2021, 12, 12, 13, 0, 0, TimeSpan.Zero), recording.RaceStart);
        var statuses = events.OfType<TrackStatusChanged>().ToList();
        Assert.Equal(TrackStatus.Green, statuses[0].Status);

        // The race's late safety car (Latifi's crash) came out on lap 53.
        Assert.Contains(statuses, s => s.Status == TrackStatus.SafetyCar && s.Lap == 53);
        var pits = events.OfType<PitStop>().ToList();
        Assert.All(pits, p => Assert.InRange(p.PitLaneSeconds!.Value, 15, 60));
        var verstappen = pits.Where(p => p.Car.Value == "33").Select(p => p.InLap).ToList();
        Assert.Equal([13, 36, 53], verstappen);
    }

    [Fact]
    public void Rounds_are_listed_from_a_season_file()
    {
        var rounds = FastF1Recording.Rounds(RepoPaths.FastF1Laps2021);

        Assert.Equal(22, rounds.Count);
        Assert.Equal((22, "Abu Dhabi Grand Prix"), rounds[^1]);
    }
}
