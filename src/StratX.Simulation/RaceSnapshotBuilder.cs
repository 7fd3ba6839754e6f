using StratX.Domain.Events;
using StratX.Domain.Racing;

namespace StratX.Simulation;

/// <summary>
/// Rebuilds the state a race was in after a given lap from its lap and pit events, using only what was known
/// then: running order and gaps from the last laps, compounds and tyre ages, stops, and each car's base pace
/// as the median of its clean laps so far (not in or out laps, not under a known neutralisation; the median
/// keeps the odd slow lap from recordings without track status out) with the circuit's tyre and fuel effects
/// taken out.
/// </summary>
public static class RaceSnapshotBuilder
{

    public static RaceSnapshot AfterLap(IEnumerable<LapCompleted> laps, IEnumerable<PitStop> stops, int totalLaps, int afterLap, CircuitModel circuit)
    {
        var known = laps.Where(l => l.LapNumber <= afterLap).ToList();
        var stopCounts = stops.Where(s => s.InLap <= afterLap).GroupBy(s => s.Car).ToDictionary(g => g.Key, g => g.Count());
        var leaderLapTime = known.Where(l => l.LapNumber == afterLap && l.Position == 1).Select(l => l.LapTime).FirstOrDefault() ?? 95.0;
        var cars = new List<SimCar>();
        foreach (var car in known.GroupBy(l => l.Car))
        {
            var last = car.MaxBy(l => l.LapNumber)!;
            var retired = last.LapNumber < afterLap - 1;
            var clean = car
                .Where(l => l is { LapTime: not null, PitIn: false, PitOut: false, TrackStatus: TrackStatus.Green or TrackStatus.Unknown } && l.LapNumber > 1 && l.Compound.IsDry())
                .Select(l => l.LapTime!.Value - circuit.Tyre(l.Compound).LapTimeAt(l.TyreAge ?? 0) - (circuit.FuelEffectPerLap * (totalLaps - l.LapNumber)))
                .Order()
                .ToList();
            var gap = last.GapToLeader is { } g ? Math.Max(0, g.Seconds) + (g.Laps * leaderLapTime) : 0;
            cars.Add(new SimCar
            {
                Id = car.Key.Value,
                GapToLeader = gap + ((afterLap - last.LapNumber) * leaderLapTime),
                BasePace = clean.Count > 0 ? clean[clean.Count / 2] : leaderLapTime - (circuit.FuelEffectPerLap * (totalLaps - afterLap)),
                // Some timing rows lack the compound: the last one known for the car stands; with none, a medium is assumed.
                Compound = car.Where(l => l.Compound != TyreCompound.Unknown).MaxBy(l => l.LapNumber)?.Compound ?? TyreCompound.Medium,
                TyreAge = last.TyreAge ?? 0,
                Stops = stopCounts.GetValueOrDefault(car.Key),
                CompoundsUsed = [.. car.Select(l => l.Compound).Where(c => c != TyreCompound.Unknown).Distinct()],
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
        };
    }
}
