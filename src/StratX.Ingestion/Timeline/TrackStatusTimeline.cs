using StratX.Domain.Events;
using StratX.Domain.Racing;
using StratX.Ingestion.History;

namespace StratX.Ingestion.Timeline;

/// <summary>
/// Track status for a recording that has laps but no status feed: the neutralisations the history records
/// (in leader laps) are placed on the leader's crossings, and each lap gets the most severe status in force
/// while it was run, as a feed that reports statuses per lap would give it.
/// </summary>
/// <remarks>
/// Only the lap is known, not the moment, so times are placed by rule. The leader's crossing that ends lap n
/// is the first crossing of any car at the end of lap n; lap n runs from the crossing that ends lap n − 1
/// (the race start for lap 1). Within that:
/// <list type="bullet">
/// <item>a safety car, VSC or red flag is deployed at the midpoint of its lap D (a lap 0 deployment, before the start, at the start);</item>
/// <item>a safety car's race restarts at the crossing that starts its lap R;</item>
/// <item>a VSC ends three quarters of the way through its lap R (so one deployed and withdrawn within a lap lasts a quarter lap);</item>
/// <item>a resumed red flag goes green at the crossing that starts the lap after it.</item>
/// </list>
/// The tables' deployment lap can be a lap or two before the lap the field actually slowed on (the timing
/// feed shows it); the laps' own times settle it: when lap D runs at green pace and one of the next two laps
/// is clearly slower (the field's median at least 8% above its quickest median of the ten laps before), the deployment
/// moves to that lap, and its end by as many laps. When neutralisations overlap, the one deployed last is in force until it ends. Green is the status at
/// the start and whenever none is in force. A neutralisation on a lap the recording does not reach is left
/// out with a warning; one that ends after the last recorded lap lasts to the end.
/// </remarks>
internal static class TrackStatusTimeline
{
    private const double DeployedAt = 0.5;
    private const double VirtualSafetyCarEndsAt = 0.75;

    public static List<TrackStatusChanged> Place(IReadOnlyList<LapCompleted> laps, DateTimeOffset raceStart, IReadOnlyList<Neutralisation> neutralisations, ICollection<string> warnings)
    {
        var crossings = new SortedDictionary<int, DateTimeOffset> { [0] = raceStart };
        foreach (var lap in laps)
        {
            if (!crossings.TryGetValue(lap.LapNumber, out var first) || lap.OccurredAt < first)
            {
                crossings[lap.LapNumber] = lap.OccurredAt;
            }
        }

        var lastLap = crossings.Keys.Max();
        var intervals = new List<(DateTimeOffset Start, DateTimeOffset? End, TrackStatus Status)>();
        var fieldPace = laps.Where(l => l.LapTime is not null && l.LapNumber > 1).GroupBy(l => l.LapNumber)
            .ToDictionary(g => g.Key, g => Median([.. g.Select(l => l.LapTime!.Value)]));
        foreach (var n in neutralisations)
        {
            var deployed = SlowedOn(fieldPace, n.DeployedLap);
            if (Within(crossings, deployed, DeployedAt) is not { } start)
            {
                warnings.Add($"{n.File} line {n.Line}: a {Describe(n.Kind)} on lap {n.DeployedLap}, but the recording's leader completes only {lastLap} laps; it is left out.");
                continue;
            }

            // The whole period moves with its deployment: the table's laps are offset, not its length.
            var green = n.GreenLap + (deployed - n.DeployedLap);
            var end = green is null || green > lastLap ? null
                : n.Kind == NeutralisationKind.VirtualSafetyCar ? Within(crossings, green.Value, VirtualSafetyCarEndsAt)
                : crossings.TryGetValue(green.Value - 1, out var restart) ? restart
                : null;
            var status = n.Kind switch
            {
                NeutralisationKind.SafetyCar => TrackStatus.SafetyCar,
                NeutralisationKind.VirtualSafetyCar => TrackStatus.VirtualSafetyCar,
                _ => TrackStatus.Red,
            };
            intervals.Add((start, end, status));
        }

        var boundaries = intervals.Select(i => i.Start)
            .Concat(intervals.Where(i => i.End is not null).Select(i => i.End!.Value))
            .Append(raceStart)
            .Where(t => t >= raceStart)
            .Distinct()
            .Order()
            .ToList();
        var changes = new List<TrackStatusChanged>();
        var current = TrackStatus.Unknown;
        foreach (var at in boundaries)
        {
            // The last deployed of those in force at this instant decides; ties go to the later row.
            var status = TrackStatus.Green;
            DateTimeOffset? latest = null;
            foreach (var (start, end, s) in intervals)
            {
                if (start <= at && (end is null || at < end) && (latest is null || start >= latest))
                {
                    latest = start;
                    status = s;
                }
            }

            if (status != current)
            {
                current = status;
                changes.Add(new TrackStatusChanged
                {
                    Session = RaceTimeline.Unassigned,
                    Sequence = 0,
                    OccurredAt = at,
                    Status = status,
                    Lap = Math.Min(lastLap, 1 + crossings.Count(c => c.Key >= 1 && c.Value <= at)),
                });
            }
        }

        return changes;
    }

    /// <summary>
    /// Each lap with the most severe status in force while it was run: the status at its start (the car's
    /// own previous crossing, or its recorded start) and every change before it ends.
    /// </summary>
    public static List<LapCompleted> Stamp(IReadOnlyList<LapCompleted> laps, IReadOnlyList<TrackStatusChanged> changes)
    {
        var ended = laps.ToDictionary(l => (l.Car, l.LapNumber), l => l.OccurredAt);
        var stamped = new List<LapCompleted>(laps.Count);
        foreach (var lap in laps)
        {
            var start = ended.TryGetValue((lap.Car, lap.LapNumber - 1), out var previous) ? previous : lap.LapStartedAt ?? lap.OccurredAt;
            var worst = TrackStatus.Unknown;
            foreach (var change in changes)
            {
                if (change.OccurredAt >= lap.OccurredAt)
                {
                    break;
                }

                if (change.OccurredAt <= start)
                {
                    worst = change.Status;
                }
                else if (Severity(change.Status) > Severity(worst))
                {
                    worst = change.Status;
                }
            }

            stamped.Add(lap with { TrackStatus = worst });
        }

        return stamped;
    }

    public static int Severity(TrackStatus status) => status switch
    {
        TrackStatus.Red => 6,
        TrackStatus.SafetyCar => 5,
        TrackStatus.VirtualSafetyCar => 4,
        TrackStatus.VirtualSafetyCarEnding => 3,
        TrackStatus.Yellow => 2,
        TrackStatus.Green => 1,
        _ => 0,
    };

    /// <summary>The ratio of the field's median lap time to its quickest recent median from which a lap counts as neutralised.</summary>
    private const double Slowed = 1.08;

    /// <summary>
    /// The lap a neutralisation recorded on <paramref name="lap"/> slowed the field on: that lap, unless it ran
    /// at green pace and one of the next two did not.
    /// </summary>
    private static int SlowedOn(Dictionary<int, double> fieldPace, int lap)
    {
        var recent = Enumerable.Range(lap - 10, 10).Where(fieldPace.ContainsKey).Select(n => fieldPace[n]).ToList();
        if (lap <= 2 || recent.Count == 0 || !fieldPace.TryGetValue(lap, out var onLap))
        {
            return lap;
        }

        var green = recent.Min();
        if (onLap >= green * Slowed)
        {
            return lap;
        }

        for (var later = lap + 1; later <= lap + 2; later++)
        {
            if (fieldPace.TryGetValue(later, out var pace) && pace >= green * Slowed)
            {
                return later;
            }
        }

        return lap;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static DateTimeOffset? Within(SortedDictionary<int, DateTimeOffset> crossings, int lap, double fraction)
    {
        if (lap == 0)
        {
            return crossings[0];
        }

        return crossings.TryGetValue(lap - 1, out var start) && crossings.TryGetValue(lap, out var end)
            ? start + ((end - start) * fraction)
            : null;
    }

    private static string Describe(NeutralisationKind kind) => kind switch
    {
        NeutralisationKind.SafetyCar => "safety car",
        NeutralisationKind.VirtualSafetyCar => "virtual safety car",
        _ => "red flag",
    };
}
