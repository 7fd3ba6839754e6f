using StratX.Domain.Events;
using StratX.Domain.Laps;
using StratX.Domain.Racing;
using StratX.Models.Anomaly;
using StratX.Models.NextLap;

namespace StratX.Models.Tests;

/// <summary>The lap anomaly rules on real 2021 laps.</summary>
public class AnomalyTests
{
    [Fact]
    public void A_real_slow_lap_is_flagged_and_a_clean_one_is_not()
    {
        // Baku, Hamilton's last lap: 111.1 s against 104.8–104.9 s before the red flag, green, after the
        // restart lock-up that dropped him from second to sixteenth.
        var hamilton = Car(6, "44");
        var slow = LapAnomalyDetector.Latest(hamilton)!;
        Assert.Equal(51, slow.LapNumber);
        Assert.True(slow.Flag, slow.Reason);
        Assert.True(slow.SecondsOff > 5);
        Assert.Contains("off the car's last", slow.Reason);

        // The same car on a normal green lap before the red flag.
        var normal = LapAnomalyDetector.Latest([.. hamilton.Where(l => l.LapNumber <= 45)])!;
        Assert.True(NextLapDataset.IsClean(hamilton.Single(l => l.LapNumber == 45)));
        Assert.False(normal.Flag, normal.Reason);
        Assert.InRange(normal.Score, -5, 5);
    }

    [Fact]
    public void Slow_laps_with_a_reason_are_explained_not_flagged()
    {
        var race = Season2021.Rounds[14].Laps.ToList();
        var judged = LapAnomalyDetector.Race(race);

        // Monza's safety-car laps (from lap 26) are slow for everyone: explained by the track status.
        var underSafetyCar = judged.Where(j => j.Lap.TrackStatus == TrackStatus.SafetyCar && j.Anomaly.SecondsOff > 5).ToList();
        Assert.NotEmpty(underSafetyCar);
        Assert.All(underSafetyCar, j => Assert.False(j.Anomaly.Flag));
        Assert.All(underSafetyCar, j => Assert.Contains("explained: ", j.Anomaly.Reason));
        Assert.All(judged.Where(j => j.Lap.PitIn || j.Lap.PitOut), j => Assert.False(j.Anomaly.Flag));
        Assert.InRange(judged.Count(j => j.Anomaly.Flag), 0, 30);
    }

    [Fact]
    public void A_speed_trap_drop_or_changed_pedal_pattern_is_flagged_when_present()
    {
        // Real Baku laps of Hamilton in clear air (the FastF1 season file has no speed traps or car data):
        // trap speeds and pedal summaries are added, with one lap's shifted to stand for a lost deployment.
        var hamilton = Car(6, "44");
        var clear = hamilton.First(l => l.LapNumber > 10 && l.IntervalToAhead is not { Seconds: < 1.5 }
            && hamilton.Where(p => p.LapNumber > l.LapNumber - 7 && p.LapNumber <= l.LapNumber).Count(NextLapDataset.IsClean) == 7).LapNumber;
        var laps = hamilton.Where(l => l.LapNumber > clear - 7 && l.LapNumber <= clear).Select((l, i) => l with { SpeedTrap = i == 6 ? 320 : 340 + i }).ToList();
        Assert.Equal(7, laps.Count);
        Assert.All(laps, l => Assert.True(NextLapDataset.IsClean(l)));
        var trap = LapAnomalyDetector.Latest(laps)!;
        Assert.True(trap.Flag, trap.Reason);
        Assert.Contains("speed trap", trap.Reason);

        var telemetry = laps.ToDictionary(l => l.LapNumber, l => new LapTelemetrySummary
        {
            Samples = 300,
            MaxSpeed = 320,
            MeanSpeed = 230,
            FullThrottleShare = l.LapNumber == clear ? 0.55 : 0.70,
            BrakeApplications = 8,
            DrsOpenShare = 0.1,
            GearChanges = 50,
            MaxRpm = 11800,
        });
        var pedals = LapAnomalyDetector.Latest([.. laps.Select(l => l with { SpeedTrap = null })], telemetry)!;
        Assert.True(pedals.Flag, pedals.Reason);
        Assert.Contains("full throttle", pedals.Reason);
    }

    private static List<LapCompleted> Car(int round, string car) =>
        [.. Season2021.Rounds[round].Laps.Where(l => l.Car.Value == car).OrderBy(l => l.LapNumber)];
}
