using StratX.Domain.Events;
using StratX.Domain.Laps;
using StratX.Domain.Racing;

namespace StratX.Simulation;

/// <summary>One car's laps so far and its stops, as a live car or a recording knows them.</summary>
public sealed record CarHistory(string Id, IReadOnlyList<LapRecord> Laps, int Stops);

/// <summary>
/// Rebuilds the state a race was in after a given lap from its lap and pit events, using only what was known
/// then: running order and gaps from each car's last crossing, compounds and tyre ages, stops, and each car's
/// base pace as the median of its clean laps so far (not in or out laps, not under a known neutralisation; the
/// median keeps the odd slow lap from recordings without track status out) with the circuit's tyre and fuel
/// effects taken out.
/// </summary>
/// <remarks>
/// A car that has not crossed the line since the leader completed the lap keeps the gap of its last crossing:
/// on the lead lap that is its gap in seconds, a lapped car's gap is its laps down times the leader's lap. A
/// car is retired when it has not crossed the line for more than one and a half of the leader's laps.
/// </remarks>
public static class RaceSnapshotBuilder
{
    private const double RetiredAfterLeaderLaps = 1.5;
    private const double DefaultLeaderLap = 95.0;

    /// <summary>From a recording: laps and stops of every car, cut after <paramref name="afterLap"/>.</summary>
    public static RaceSnapshot AfterLap(IEnumerable<LapCompleted> laps, IEnumerable<PitStop> stops, int totalLaps, int afterLap, CircuitModel circuit)
    {
        var stopCounts = stops.Where(s => s.InLap <= afterLap).GroupBy(s => s.Car).ToDictionary(g => g.Key, g => g.Count());
        var cars = laps
            .Where(l => l.LapNumber <= afterLap)
            .GroupBy(l => l.Car)
            .Select(g => new CarHistory(g.Key.Value, [.. g.OrderBy(l => l.LapNumber).Select(l => LapRecord.From(l, 0))], stopCounts.GetValueOrDefault(g.Key)))
            .ToList();
        return From(cars, totalLaps, afterLap, circuit);
    }

    /// <summary>From each car's lap history: the state once the leader has completed <paramref name="afterLap"/>.</summary>
    public static RaceSnapshot From(IReadOnlyList<CarHistory> histories, int totalLaps, int afterLap, CircuitModel circuit, SimTrackStatus trackStatus = SimTrackStatus.Green, int neutralisedLapsLeft = 0)
    {
        var leaderLap = histories
            .Select(h => h.Laps.LastOrDefault(l => l.LapNumber == afterLap && l.Position == 1) ?? h.Laps.LastOrDefault(l => l.LapNumber == afterLap))
            .Where(l => l is not null)
            .MinBy(l => l!.CrossedAt);
        var leaderLapTime = leaderLap?.LapTime ?? DefaultLeaderLap;
        var cars = new List<SimCar>();
        foreach (var history in histories)
        {
            var known = history.Laps.Where(l => l.LapNumber <= afterLap).ToList();
            if (known.Count == 0)
            {
                continue;
            }

            var last = known[^1];
            var retired = leaderLap is not null
                ? last.CrossedAt < leaderLap.CrossedAt - TimeSpan.FromSeconds(RetiredAfterLeaderLaps * leaderLapTime)
                : last.LapNumber < afterLap - 1;
            var clean = known
                .Where(l => l is { LapTime: not null, PitIn: false, PitOut: false, TrackStatus: TrackStatus.Green or TrackStatus.Unknown } && l.LapNumber > 1 && l.Compound.IsDry())
                .Select(l => l.LapTime!.Value - circuit.Tyre(l.Compound).LapTimeAt(l.TyreAge ?? 0) - (circuit.FuelEffectPerLap * (totalLaps - l.LapNumber)))
                .Order()
                .ToList();
            var gap = last.GapToLeader is { } g ? Math.Max(0, g.Seconds) + (g.Laps * leaderLapTime) : 0;
            cars.Add(new SimCar
            {
                Id = history.Id,
                GapToLeader = gap,
                BasePace = clean.Count > 0 ? clean[clean.Count / 2] : leaderLapTime - (circuit.FuelEffectPerLap * (totalLaps - afterLap)),
                // Some timing rows lack the compound: the last one known for the car stands; with none, a medium is assumed.
                Compound = known.LastOrDefault(l => l.Compound != TyreCompound.Unknown)?.Compound ?? TyreCompound.Medium,
                TyreAge = last.TyreAge ?? 0,
                Stops = history.Stops,
                CompoundsUsed = [.. known.Select(l => l.Compound).Where(c => c != TyreCompound.Unknown).Distinct()],
                Retired = retired,
            });
        }

        var running = cars.Where(c => !c.Retired).OrderBy(c => c.GapToLeader).ToList();
        var leaderGap = running.Count > 0 ? running[0].GapToLeader : 0;
        return new RaceSnapshot
        {
            TotalLaps = totalLaps,
            LapsCompleted = afterLap,
            Cars = [.. running.Select(c => c with { GapToLeader = c.GapToLeader - leaderGap }), .. cars.Where(c => c.Retired).Select(c => c with { GapToLeader = 0 })],
            TrackStatus = trackStatus,
            NeutralisedLapsLeft = neutralisedLapsLeft,
        };
    }
}
