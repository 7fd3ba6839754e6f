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

        // The trap drop on a lap run at the car's pace: most often DRS or a tow lost, not the car; said, not flagged.
        var atPace = LapAnomalyDetector.Latest(laps)!;
        Assert.True(Math.Abs(atPace.SecondsOff) < LapAnomalyDetector.SpeedDropLapLoss, $"lap {clear} is {atPace.SecondsOff} s off");
        Assert.False(atPace.Flag, atPace.Reason);
        Assert.Equal(AnomalySignals.None, atPace.Signals);
        Assert.Contains("speed trap 320 km/h", atPace.Reason);
        Assert.Contains("DRS or tow", atPace.Reason);

        // The same drop with time lost on the lap is flagged.
        var median = laps.Take(6).Select(l => l.LapTime!.Value).Order().ElementAt(3);
        var slower = laps.Select(l => l.LapNumber == clear ? l with { LapTime = median + 0.8 } : l).ToList();
        var trap = LapAnomalyDetector.Latest(slower)!;
        Assert.True(trap.Flag, trap.Reason);
        Assert.Equal(AnomalySignals.SpeedTrap, trap.Signals);
        Assert.Contains("speed trap", trap.Reason);

        LapTelemetrySummary Summary(double throttle, double drs, int brakes = 8) => new()
        {
            Samples = 300,
            MaxSpeed = 320,
            MeanSpeed = 230,
            FullThrottleShare = throttle,
            BrakeApplications = brakes,
            DrsOpenShare = drs,
            GearChanges = 50,
            MaxRpm = 11800,
        };

        // At pace but with DRS open as on its recent laps, the drop is the car's own: flagged.
        var withDrs = LapAnomalyDetector.Latest(laps, laps.ToDictionary(l => l.LapNumber, _ => Summary(0.70, 0.1)))!;
        Assert.True(withDrs.Flag, withDrs.Reason);
        Assert.Equal(AnomalySignals.SpeedTrap, withDrs.Signals);

        // At pace with DRS shut this time: explained by the racing, not flagged.
        var withoutDrs = LapAnomalyDetector.Latest(laps, laps.ToDictionary(l => l.LapNumber, l => Summary(0.70, l.LapNumber == clear ? 0.0 : 0.1)))!;
        Assert.False(withoutDrs.Flag, withoutDrs.Reason);
        Assert.Contains("less DRS", withoutDrs.Reason);

        var telemetry = laps.ToDictionary(l => l.LapNumber, l => Summary(l.LapNumber == clear ? 0.55 : 0.70, 0.1));
        var pedals = LapAnomalyDetector.Latest([.. laps.Select(l => l with { SpeedTrap = null })], telemetry)!;
        Assert.True(pedals.Flag, pedals.Reason);
        Assert.Equal(AnomalySignals.Throttle, pedals.Signals);
        Assert.Contains("full throttle", pedals.Reason);

        // Braking 13 times against 8 on a lap run at pace is the racing (or a tap the samples caught): said, not flagged;
        // with 0.8 s lost it is flagged.
        var brakes = laps.Select(l => l with { SpeedTrap = null }).ToList();
        var braking = brakes.ToDictionary(l => l.LapNumber, l => Summary(0.70, 0.1, l.LapNumber == clear ? 13 : 8));
        var brakesAtPace = LapAnomalyDetector.Latest(brakes, braking)!;
        Assert.False(brakesAtPace.Flag, brakesAtPace.Reason);
        Assert.Equal(AnomalySignals.None, brakesAtPace.Signals);
        Assert.Contains("13 brake applications against 8, with no time lost: traffic or a fight", brakesAtPace.Reason);
        var brakesSlower = LapAnomalyDetector.Latest([.. brakes.Select(l => l.LapNumber == clear ? l with { LapTime = median + 0.8 } : l)], braking)!;
        Assert.True(brakesSlower.Flag, brakesSlower.Reason);
        Assert.Equal(AnomalySignals.Brakes, brakesSlower.Signals);
    }

    private static List<LapCompleted> Car(int round, string car) =>
        [.. Season2021.Rounds[round].Laps.Where(l => l.Car.Value == car).OrderBy(l => l.LapNumber)];
}
