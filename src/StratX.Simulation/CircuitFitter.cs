using StratX.Domain.Events;
using StratX.Domain.Laps;
using StratX.Domain.Racing;

namespace StratX.Simulation;

/// <summary>
/// Fits circuit parameters from recorded races: how often each circuit is neutralised (safety car, VSC, red
/// flag starts per lap), what a green-flag stop costs there, and how fast each dry compound wears there.
/// Each circuit's estimate is shrunk toward the estimate over all circuits in proportion to how little data
/// it has, so a circuit seen once does not get an extreme model. Everything else comes from the base model.
/// </summary>
public sealed class CircuitFitter(CircuitModel baseline)
{
    /// <summary>Prior weight of the all-circuit rate, in laps.</summary>
    private const double HazardPriorLaps = 400;

    /// <summary>Prior weight of the all-circuit pit loss, in stops.</summary>
    private const double PitLossPriorStops = 10;

    /// <summary>Prior weight of the all-circuit wear rate, in stints.</summary>
    private const double WearPriorStints = 8;

    /// <summary>Under a VSC and a safety car a stop costs these shares of a green stop (the field is slower, the pit lane is not).</summary>
    private const double VscShare = 0.6;

    private const double SafetyCarShare = 0.45;

    private readonly Dictionary<string, Tally> _circuits = new(StringComparer.OrdinalIgnoreCase);
    private readonly Tally _all = new();

    public int Races { get; private set; }

    /// <summary>Adds one race: its laps, stops and track-status changes.</summary>
    public void Add(string? circuit, int totalLaps, IReadOnlyList<LapCompleted> laps, IReadOnlyList<PitStop> stops, IReadOnlyList<TrackStatusChanged> statuses)
    {
        var tally = new Tally();
        tally.Laps = totalLaps;
        var previous = TrackStatus.Green;
        foreach (var change in statuses.OrderBy(s => s.OccurredAt))
        {
            if (change.Status != previous)
            {
                switch (change.Status)
                {
                    case TrackStatus.SafetyCar:
                        tally.SafetyCars++;
                        break;
                    case TrackStatus.VirtualSafetyCar when previous != TrackStatus.VirtualSafetyCarEnding:
                        tally.Vscs++;
                        break;
                    case TrackStatus.Red:
                        tally.RedFlags++;
                        break;
                }
            }

            previous = change.Status;
        }

        var byCar = laps.GroupBy(l => l.Car).ToDictionary(g => g.Key, g => g.OrderBy(l => l.LapNumber).ToList());
        foreach (var stop in stops)
        {
            if (byCar.TryGetValue(stop.Car, out var carLaps) && PitLoss(carLaps, stop.InLap) is { } loss)
            {
                tally.PitLosses.Add(loss);
            }
        }

        foreach (var carLaps in byCar.Values)
        {
            var records = carLaps.Where(l => l.Stint is not null).Select(l => LapRecord.From(l, l.Stint!.Value));
            foreach (var stint in StintWear.Of(records, totalLaps, baseline.FuelEffectPerLap))
            {
                tally.Wear.Add((stint.Compound, stint.SecondsPerLap));
            }
        }

        _all.Merge(tally);
        if (circuit is not null)
        {
            if (!_circuits.TryGetValue(circuit, out var known))
            {
                known = new Tally();
                _circuits[circuit] = known;
            }

            known.Merge(tally);
        }

        Races++;
    }

    /// <summary>The model for a circuit: its own estimates shrunk toward all circuits'; the base model where nothing was seen.</summary>
    public CircuitModel For(string? circuit)
    {
        if (_all.Laps == 0)
        {
            return baseline;
        }

        var local = circuit is not null && _circuits.TryGetValue(circuit, out var tally) ? tally : new Tally();
        double Hazard(int localCount, int allCount) =>
            (localCount + (HazardPriorLaps * allCount / _all.Laps)) / (local.Laps + HazardPriorLaps);

        var allPitLoss = Median(_all.PitLosses) ?? baseline.PitLossGreen;
        var pitLoss = local.PitLosses.Count == 0 ? allPitLoss
            : ((Median(local.PitLosses)!.Value * local.PitLosses.Count) + (allPitLoss * PitLossPriorStops)) / (local.PitLosses.Count + PitLossPriorStops);

        CompoundModel Wear(CompoundModel model, TyreCompound compound)
        {
            var all = _all.Wear.Where(w => w.Compound == compound).Select(w => w.Slope).ToList();
            var mine = local.Wear.Where(w => w.Compound == compound).Select(w => w.Slope).ToList();
            if (all.Count == 0)
            {
                return model;
            }

            var pooled = StintWear.Median(all)!.Value;
            return model with { DegradationPerLap = StintWear.Shrink(pooled, WearPriorStints, mine) };
        }

        return baseline with
        {
            SafetyCarPerLap = Hazard(local.SafetyCars, _all.SafetyCars),
            VscPerLap = Hazard(local.Vscs, _all.Vscs),
            RedFlagPerLap = Hazard(local.RedFlags, _all.RedFlags),
            PitLossGreen = Math.Round(pitLoss, 2),
            PitLossVsc = Math.Round(pitLoss * VscShare, 2),
            PitLossSafetyCar = Math.Round(pitLoss * SafetyCarShare, 2),
            Soft = Wear(baseline.Soft, TyreCompound.Soft),
            Medium = Wear(baseline.Medium, TyreCompound.Medium),
            Hard = Wear(baseline.Hard, TyreCompound.Hard),
        };
    }

    /// <summary>
    /// In-lap plus out-lap against twice the car's typical green lap nearby, when both are green laps; null
    /// otherwise (a stop under a neutralisation says little about a green stop).
    /// </summary>
    private static double? PitLoss(List<LapCompleted> laps, int inLap)
    {
        var inIndex = laps.FindIndex(l => l.LapNumber == inLap);
        if (inIndex < 0 || inIndex + 1 >= laps.Count)
        {
            return null;
        }

        var lapIn = laps[inIndex];
        var lapOut = laps[inIndex + 1];
        if (lapIn is not { LapTime: { } tIn, TrackStatus: TrackStatus.Green } || lapOut is not { LapTime: { } tOut, TrackStatus: TrackStatus.Green })
        {
            return null;
        }

        var reference = Median([.. laps
            .Where(l => Math.Abs(l.LapNumber - inLap) <= 6 && l is { PitIn: false, PitOut: false, LapTime: not null, TrackStatus: TrackStatus.Green } && l.LapNumber > 1)
            .Select(l => l.LapTime!.Value)]);
        if (reference is not { } typical)
        {
            return null;
        }

        var loss = tIn + tOut - (2 * typical);
        return loss is > 5 and < 60 ? loss : null;
    }

    private static double? Median(List<double> values) => StintWear.Median(values);

    private sealed class Tally
    {
        public int Laps { get; set; }

        public int SafetyCars { get; set; }

        public int Vscs { get; set; }

        public int RedFlags { get; set; }

        public List<double> PitLosses { get; } = [];

        public List<(TyreCompound Compound, double Slope)> Wear { get; } = [];

        public void Merge(Tally other)
        {
            Laps += other.Laps;
            SafetyCars += other.SafetyCars;
            Vscs += other.Vscs;
            RedFlags += other.RedFlags;
            PitLosses.AddRange(other.PitLosses);
            Wear.AddRange(other.Wear);
        }
    }
}
