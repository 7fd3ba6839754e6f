using StratX.Domain.Events;
using StratX.Domain.Laps;

namespace StratX.Domain.Tests;

public class LapTelemetryTrackerTests
{
    private static readonly DateTimeOffset Start = new(2023, 3, 5, 15, 3, 0, TimeSpan.Zero);

    private static TelemetrySample Sample(double seconds, short speed, byte throttle = 100, byte brake = 0, byte drs = 0, byte gear = 7) =>
        new(Start.AddSeconds(seconds).UtcTicks, speed, 11000, gear, throttle, brake, drs);

    [Fact]
    public void A_lap_is_summarised_once_its_crossing_and_a_later_sample_are_both_known_whatever_arrives_first()
    {
        var completed = new List<(int Lap, LapTelemetrySummary Summary)>();
        var tracker = new LapTelemetryTracker();

        // Samples of lap 1 and the first of lap 2 arrive before the lap event.
        tracker.AddSamples([Sample(-5, 0, 104, 104), Sample(1, 100), Sample(30, 300, drs: 12), Sample(60, 80, 0, 100, gear: 3), Sample(95, 290), Sample(101, 295)], completed);
        Assert.Empty(completed);

        tracker.AddLap(1, Start, Start.AddSeconds(99), completed);

        var (lap, summary) = Assert.Single(completed);
        Assert.Equal(1, lap);
        Assert.Equal(4, summary.Samples);
        Assert.Equal(300, summary.MaxSpeed);
        Assert.Equal(1, summary.BrakeApplications);
        Assert.Equal(0.25, summary.DrsOpenShare, 3);
        Assert.Equal(0.75, summary.FullThrottleShare, 3);
        Assert.Equal(2, summary.GearChanges);
        Assert.Equal(1, tracker.PendingSamples);

        // The lap event of lap 2 arrives before its telemetry: it waits for a sample past its end.
        completed.Clear();
        tracker.AddLap(2, Start.AddSeconds(99), Start.AddSeconds(197), completed);
        Assert.Empty(completed);
        tracker.AddSamples([Sample(150, 310), Sample(198, 280)], completed);
        Assert.Equal(2, Assert.Single(completed).Lap);
        Assert.Equal(2, completed[0].Summary.Samples);
    }
}
