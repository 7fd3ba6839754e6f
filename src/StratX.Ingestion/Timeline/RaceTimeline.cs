using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Timing;

namespace StratX.Ingestion.Timeline;

/// <summary>
/// Turns what a recording holds (laps, stints, pit stops, session events) into the session's events in the
/// order they happened, with what a live timing feed would add: positions and gaps at each crossing, the
/// chequered flag, and sequence numbers per stream. Deterministic: the same input gives the same events.
/// </summary>
internal static class RaceTimeline
{
    /// <summary>Draft events carry this until assembly gives them their session.</summary>
    public static readonly SessionKey Unassigned = default;

    public static List<RaceEvent> Assemble(
        SessionKey session,
        RaceInfo race,
        DateTimeOffset openAt,
        IReadOnlyList<LapCompleted> laps,
        IReadOnlyList<CarEvent> stintsAndStops,
        IReadOnlyList<SessionEvent> sessionEvents,
        Func<IReadOnlyList<LapCompleted>, IEnumerable<SessionEvent>>? deriveFromTimedLaps = null)
    {
        var timedLaps = Time(laps);
        var events = new List<RaceEvent>(timedLaps.Count + stintsAndStops.Count + sessionEvents.Count + race.Entries.Count + 4)
        {
            new SessionOpened { Session = Unassigned, Sequence = 0, OccurredAt = openAt, Race = race },
        };
        foreach (var entry in race.Entries)
        {
            events.Add(new CarEntered
            {
                Session = Unassigned,
                Sequence = 0,
                OccurredAt = openAt,
                Car = entry.Car,
                DriverCode = entry.DriverCode,
                DriverName = entry.DriverName,
                Team = entry.Team,
                GridPosition = entry.GridPosition,
            });
        }

        events.AddRange(stintsAndStops);
        events.AddRange(timedLaps);
        events.AddRange(sessionEvents);
        if (deriveFromTimedLaps is not null)
        {
            events.AddRange(deriveFromTimedLaps(timedLaps));
        }

        if (Chequered(timedLaps) is { } flag)
        {
            events.Add(flag);
        }

        // A stable sort: events equal by time, kind and car keep the order they were given in.
        events = [.. events.Order(Comparer<RaceEvent>.Create(Compare))];
        events.Add(new SessionEnded { Session = Unassigned, Sequence = 0, OccurredAt = events[^1].OccurredAt });
        return Number(session, events);
    }

    /// <summary>Positions and gaps as each car crosses the line, in crossing order.</summary>
    private static List<LapCompleted> Time(IReadOnlyList<LapCompleted> laps)
    {
        var ordered = laps.OrderBy(l => l.OccurredAt).ThenBy(l => l.Car).ToList();
        var tracker = new LapTimingTracker();
        for (var i = 0; i < ordered.Count; i++)
        {
            var lap = ordered[i];
            var timing = tracker.Record(lap.Car, lap.LapNumber, lap.OccurredAt);
            ordered[i] = lap with { Position = timing.Position, GapToLeader = timing.GapToLeader, IntervalToAhead = timing.IntervalToAhead };
        }

        return ordered;
    }

    /// <summary>The flag falls when the car with most laps completes its last one.</summary>
    private static RaceControlMessage? Chequered(List<LapCompleted> timedLaps)
    {
        LapCompleted? winner = null;
        foreach (var lap in timedLaps)
        {
            if (winner is null || lap.LapNumber > winner.LapNumber)
            {
                winner = lap;
            }
        }

        return winner is null
            ? null
            : new RaceControlMessage
            {
                Session = Unassigned,
                Sequence = 0,
                OccurredAt = winner.OccurredAt,
                Category = "Flag",
                Flag = RaceControlMessage.ChequeredFlag,
                Message = "CHEQUERED FLAG",
                Lap = winner.LapNumber,
            };
    }

    private static int Compare(RaceEvent a, RaceEvent b)
    {
        var byTime = a.OccurredAt.CompareTo(b.OccurredAt);
        if (byTime != 0)
        {
            return byTime;
        }

        var byKind = Rank(a).CompareTo(Rank(b));
        if (byKind != 0)
        {
            return byKind;
        }

        return (a, b) switch
        {
            (CarEvent x, CarEvent y) => x.Car.CompareTo(y.Car),
            _ => 0,
        };
    }

    /// <summary>At the same instant: the session opens, cars enter, a stop ends before the stint it starts, laps before the flag.</summary>
    private static int Rank(RaceEvent e) => e switch
    {
        SessionOpened => 0,
        CarEntered => 1,
        TrackStatusChanged => 2,
        WeatherObserved => 3,
        PitStop => 4,
        StintStarted => 5,
        LapCompleted => 6,
        RaceControlMessage => 7,
        _ => 8,
    };

    private static List<RaceEvent> Number(SessionKey session, List<RaceEvent> events)
    {
        var perCar = new Dictionary<CarId, long>();
        long sessionSequence = 0;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            long sequence;
            if (e is CarEvent car)
            {
                sequence = perCar.GetValueOrDefault(car.Car) + 1;
                perCar[car.Car] = sequence;
            }
            else
            {
                sequence = ++sessionSequence;
            }

            events[i] = e with { Session = session, Sequence = sequence };
        }

        return events;
    }
}
