using StratX.Domain.Identity;
using StratX.Domain.Racing;

namespace StratX.Domain.Timing;

/// <summary>
/// Works out what a timing screen shows at each line crossing — position, gap to the leader and interval to
/// the car ahead — from crossings fed in the order they happened. Recorded laps carry no gaps, so sources
/// that replay them run every crossing through one tracker per session.
/// </summary>
public sealed class LapTimingTracker
{
    private readonly Dictionary<CarId, List<DateTimeOffset>> _crossings = [];

    /// <summary>Records that <paramref name="car"/> completed <paramref name="lap"/> at <paramref name="crossedAt"/>.</summary>
    /// <remarks>Crossings must arrive in time order; a lap a feed skipped leaves a hole that later gaps step over.</remarks>
    public LapTiming Record(CarId car, int lap, DateTimeOffset crossedAt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lap, 1);
        if (!_crossings.TryGetValue(car, out var mine))
        {
            mine = [];
            _crossings[car] = mine;
        }

        while (mine.Count < lap)
        {
            mine.Add(DateTimeOffset.MinValue);
        }

        mine[lap - 1] = crossedAt;

        // Everyone with more laps, or the same laps crossed earlier, is ahead.
        var position = 1;
        CarId? ahead = null;
        var aheadLaps = 0;
        var aheadCrossed = DateTimeOffset.MinValue;
        var leaderLaps = lap;
        foreach (var (other, theirs) in _crossings)
        {
            if (other == car)
            {
                continue;
            }

            var theirLaps = theirs.Count;
            var theirLast = theirs[^1];
            var isAhead = theirLaps > lap || (theirLaps == lap && theirLast <= crossedAt);
            if (!isAhead)
            {
                continue;
            }

            position++;
            leaderLaps = Math.Max(leaderLaps, theirLaps);

            // The car directly ahead is the one ahead that is closest: fewest laps, then latest crossing.
            if (ahead is null || theirLaps < aheadLaps || (theirLaps == aheadLaps && theirLast > aheadCrossed))
            {
                ahead = other;
                aheadLaps = theirLaps;
                aheadCrossed = theirLast;
            }
        }

        var gapToLeader = position == 1 ? RaceGap.None : GapAt(lap, crossedAt, leaderLaps, FirstCrossing(lap));
        var interval = ahead is { } a ? GapAt(lap, crossedAt, aheadLaps, CrossingAt(a, lap)) : RaceGap.None;
        return new LapTiming(position, gapToLeader, interval);
    }

    /// <summary>Laps completed by each car so far.</summary>
    public int LapsCompleted(CarId car) => _crossings.TryGetValue(car, out var laps) ? laps.Count : 0;

    private static RaceGap GapAt(int lap, DateTimeOffset crossedAt, int theirLaps, DateTimeOffset? theirCrossingOfLap) =>
        theirLaps > lap || theirCrossingOfLap is null
            ? RaceGap.FromLaps(Math.Max(1, theirLaps - lap))
            : RaceGap.FromSeconds(Math.Round((crossedAt - theirCrossingOfLap.Value).TotalSeconds, 3));

    private DateTimeOffset? CrossingAt(CarId car, int lap)
    {
        var laps = _crossings[car];
        return lap <= laps.Count && laps[lap - 1] != DateTimeOffset.MinValue ? laps[lap - 1] : null;
    }

    private DateTimeOffset? FirstCrossing(int lap)
    {
        DateTimeOffset? first = null;
        foreach (var laps in _crossings.Values)
        {
            if (lap <= laps.Count && laps[lap - 1] != DateTimeOffset.MinValue && (first is null || laps[lap - 1] < first))
            {
                first = laps[lap - 1];
            }
        }

        return first;
    }
}

/// <summary>What the timing screen shows for a car as it crosses the line.</summary>
public readonly record struct LapTiming(int Position, RaceGap GapToLeader, RaceGap IntervalToAhead);
