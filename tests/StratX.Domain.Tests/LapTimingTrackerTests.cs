using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Domain.Timing;

namespace StratX.Domain.Tests;

public class LapTimingTrackerTests
{
    private static readonly DateTimeOffset Start = new(2023, 3, 5, 15, 3, 0, TimeSpan.Zero);
    private static readonly CarId Ver = CarId.FromNumber(1);
    private static readonly CarId Per = CarId.FromNumber(11);
    private static readonly CarId Alo = CarId.FromNumber(14);

    [Fact]
    public void First_car_over_the_line_leads_and_the_others_are_timed_to_it_and_to_the_car_ahead()
    {
        var tracker = new LapTimingTracker();

        var leader = tracker.Record(Ver, 1, Start.AddSeconds(99.359));
        var second = tracker.Record(Per, 1, Start.AddSeconds(100.5));
        var third = tracker.Record(Alo, 1, Start.AddSeconds(103.0));

        Assert.Equal(new LapTiming(1, RaceGap.None, RaceGap.None), leader);
        Assert.Equal(2, second.Position);
        Assert.Equal(1.141, second.GapToLeader.Seconds, 3);
        Assert.Equal(1.141, second.IntervalToAhead.Seconds, 3);
        Assert.Equal(3, third.Position);
        Assert.Equal(3.641, third.GapToLeader.Seconds, 3);
        Assert.Equal(2.5, third.IntervalToAhead.Seconds, 3);
    }

    [Fact]
    public void A_car_that_crosses_after_the_leader_has_done_another_lap_is_shown_a_lap_down()
    {
        var tracker = new LapTimingTracker();
        tracker.Record(Ver, 1, Start.AddSeconds(95));
        tracker.Record(Per, 1, Start.AddSeconds(96));
        tracker.Record(Ver, 2, Start.AddSeconds(190));
        tracker.Record(Per, 2, Start.AddSeconds(191));

        var alonso = tracker.Record(Alo, 1, Start.AddSeconds(200));

        Assert.Equal(3, alonso.Position);
        Assert.Equal(RaceGap.FromLaps(1), alonso.GapToLeader);
        Assert.Equal(RaceGap.FromLaps(1), alonso.IntervalToAhead);
        Assert.Equal("+1 LAP", alonso.GapToLeader.Text);
        Assert.Equal(1, tracker.LapsCompleted(Alo));
    }

    [Fact]
    public void Overtaking_between_crossings_changes_the_order_at_the_next_crossing()
    {
        var tracker = new LapTimingTracker();
        tracker.Record(Ver, 1, Start.AddSeconds(95));
        tracker.Record(Per, 1, Start.AddSeconds(96));

        // Pérez passes Verstappen on lap 2 and crosses first.
        var per = tracker.Record(Per, 2, Start.AddSeconds(190));
        var ver = tracker.Record(Ver, 2, Start.AddSeconds(190.4));

        Assert.Equal(1, per.Position);
        Assert.Equal(2, ver.Position);
        Assert.Equal(0.4, ver.IntervalToAhead.Seconds, 3);
    }
}
