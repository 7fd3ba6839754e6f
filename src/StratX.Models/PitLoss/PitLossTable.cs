using StratX.Domain.Events;
using StratX.Domain.Racing;
using StratX.Models.NextLap;

namespace StratX.Models.PitLoss;

/// <summary>The track status a stop was made under: green (or yellow), VSC, or safety car.</summary>
public enum PitStatus
{
    Green,
    VirtualSafetyCar,
    SafetyCar,
}

/// <summary>One real stop: the in-lap plus the out-lap against what the car would have done staying out.</summary>
public sealed record PitLossSample(string? Circuit, string Car, int InLap, PitStatus Status, double LossSeconds);

/// <summary>A circuit's loss under one status, and the stops it was measured from.</summary>
public sealed record PitLossValue(double Seconds, int Stops);

/// <summary>
/// Time a pit stop costs, per circuit and track status: the median of measured stops, shrunk towards the
/// all-circuit median as if <see cref="ShrinkStops"/> stops at that value were added. Written as JSON beside
/// the metadata; lookups of an unknown circuit (or a status a circuit has no stops under) get the
/// all-circuit value.
/// </summary>
public sealed record PitLossTable
{
    public const string Task = "pit-loss";
    public const string FileName = "pit-loss.json";
    public const string Name = "circuit-table";
    public const string Constant = "constant";
    public const double ShrinkStops = 5;

    /// <summary>Losses outside this range are not normal stops (a repair, a penalty served, a retirement) and are left out.</summary>
    public const double MinimumLoss = 5;

    public const double MaximumLoss = 60;

    public required IReadOnlyDictionary<PitStatus, PitLossValue> AllCircuits { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyDictionary<PitStatus, PitLossValue>> Circuits { get; init; }

    /// <summary>Seconds lost by a stop at a circuit under a status.</summary>
    public double Lookup(string? circuit, PitStatus status) =>
        circuit is not null && Circuits.TryGetValue(circuit, out var byStatus) && byStatus.TryGetValue(status, out var value)
            ? value.Seconds
            : AllCircuits.TryGetValue(status, out var all) ? all.Seconds
            : AllCircuits[PitStatus.Green].Seconds;

    public static PitLossTable Fit(IEnumerable<PitLossSample> samples)
    {
        var usable = samples.Where(s => s.LossSeconds is >= MinimumLoss and <= MaximumLoss).ToList();
        if (!usable.Any(s => s.Status == PitStatus.Green))
        {
            throw new InvalidOperationException("No green-flag stops to fit the pit-loss table from.");
        }

        var all = usable.GroupBy(s => s.Status).ToDictionary(g => g.Key, g => new PitLossValue(Math.Round(Median(g.Select(s => s.LossSeconds)), 3), g.Count()));
        var circuits = new Dictionary<string, IReadOnlyDictionary<PitStatus, PitLossValue>>(StringComparer.OrdinalIgnoreCase);
        foreach (var circuit in usable.Where(s => s.Circuit is not null).GroupBy(s => s.Circuit!, StringComparer.OrdinalIgnoreCase))
        {
            circuits[circuit.Key] = circuit.GroupBy(s => s.Status).ToDictionary(
                g => g.Key,
                g => new PitLossValue(Math.Round(((g.Count() * Median(g.Select(s => s.LossSeconds))) + (ShrinkStops * all[g.Key].Seconds)) / (g.Count() + ShrinkStops), 3), g.Count()));
        }

        return new PitLossTable { AllCircuits = all, Circuits = circuits };
    }

    /// <summary>
    /// The stops of a race with their measured loss: in-lap plus out-lap minus what staying out would have
    /// taken. Under green that is twice the car's pace, the median of its last five clean laps before the
    /// in-lap (the field's median clean lap when it has none). When either lap was neutralised, everyone is
    /// slow and the phase of the neutralisation matters, so it is the median time the cars around it on the
    /// road (within 30 s at the start of the in-lap) took over the same two laps without stopping. A stop's
    /// status is its in-lap's; stops under a red flag (a free tyre change) and stops made just before a
    /// neutralisation (green in-lap, neutralised out-lap) are left out.
    /// </summary>
    public static List<PitLossSample> SamplesFromRace(string? circuit, IReadOnlyList<LapCompleted> laps)
    {
        var samples = new List<PitLossSample>();
        var byLap = laps.GroupBy(l => l.LapNumber).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var car in laps.GroupBy(l => l.Car))
        {
            var ordered = car.OrderBy(l => l.LapNumber).ToList();
            for (var i = 0; i + 1 < ordered.Count; i++)
            {
                var inLap = ordered[i];
                var outLap = ordered[i + 1];
                if (!inLap.PitIn || !outLap.PitOut || outLap.LapNumber != inLap.LapNumber + 1 || inLap.LapTime is not { } inTime || outLap.LapTime is not { } outTime)
                {
                    continue;
                }

                // Red flag: a free tyre change. Green in, neutralised out: the car stopped just before the
                // neutralisation and its out-lap has no fair reference; neither a green nor a neutralised stop.
                if (inLap.TrackStatus == TrackStatus.Red || outLap.TrackStatus == TrackStatus.Red
                    || (!inLap.TrackStatus.IsNeutralised() && outLap.TrackStatus.IsNeutralised()))
                {
                    continue;
                }

                double reference;
                if (!inLap.TrackStatus.IsNeutralised() && !outLap.TrackStatus.IsNeutralised())
                {
                    var clean = ordered.Take(i).Where(NextLapDataset.IsClean).TakeLast(5).Select(l => l.LapTime!.Value).ToList();
                    if ((clean.Count > 0 ? Median(clean) : FieldMedian(byLap, inLap.LapNumber)) is not { } pace)
                    {
                        continue;
                    }

                    reference = 2 * pace;
                }
                else if (i > 0 && NeighboursTwoLaps(byLap, ordered[i - 1]) is { } neighbours)
                {
                    reference = neighbours;
                }
                else
                {
                    continue;
                }

                samples.Add(new PitLossSample(circuit, car.Key.Value, inLap.LapNumber, StatusOf(inLap.TrackStatus, outLap.TrackStatus), Math.Round(inTime + outTime - reference, 3)));
            }
        }

        return samples;
    }

    /// <summary>The stop's status is the in-lap's: when the car came in.</summary>
    public static PitStatus StatusOf(TrackStatus inLap, TrackStatus outLap) =>
        inLap == TrackStatus.SafetyCar ? PitStatus.SafetyCar
        : inLap is TrackStatus.VirtualSafetyCar or TrackStatus.VirtualSafetyCarEnding ? PitStatus.VirtualSafetyCar
        : PitStatus.Green;

    /// <summary>Seconds either side on the road within which other cars started the in-lap: the same phase of a neutralisation.</summary>
    private const double NeighbourSeconds = 30;

    /// <summary>
    /// The median time the cars near the stopping car on the road (crossing the line within
    /// <see cref="NeighbourSeconds"/> of it at the start of its in-lap) took over the same two laps without
    /// stopping; null with fewer than two such cars.
    /// </summary>
    private static double? NeighboursTwoLaps(Dictionary<int, List<LapCompleted>> byLap, LapCompleted beforeInLap)
    {
        if (!byLap.TryGetValue(beforeInLap.LapNumber, out var start) || !byLap.TryGetValue(beforeInLap.LapNumber + 1, out var first) || !byLap.TryGetValue(beforeInLap.LapNumber + 2, out var second))
        {
            return null;
        }

        var totals = new List<double>();
        foreach (var other in start.Where(l => l.Car != beforeInLap.Car && Math.Abs((l.OccurredAt - beforeInLap.OccurredAt).TotalSeconds) <= NeighbourSeconds))
        {
            var a = first.FirstOrDefault(l => l.Car == other.Car);
            var b = second.FirstOrDefault(l => l.Car == other.Car);
            if (a is { PitIn: false, PitOut: false, LapTime: { } ta } && b is { PitIn: false, PitOut: false, LapTime: { } tb })
            {
                totals.Add(ta + tb);
            }
        }

        return totals.Count >= 2 ? Median(totals) : null;
    }

    private static double? FieldMedian(Dictionary<int, List<LapCompleted>> byLap, int lapNumber)
    {
        if (!byLap.TryGetValue(lapNumber, out var laps))
        {
            return null;
        }

        var times = laps.Where(NextLapDataset.IsClean).Select(l => l.LapTime!.Value).ToList();
        return times.Count == 0 ? null : Median(times);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public void Save(string path) => ModelJson.Save(path, this);

    public static PitLossTable Load(string path)
    {
        var table = ModelJson.Load<PitLossTable>(path, "pit-loss table");
        if (table.AllCircuits is null || !table.AllCircuits.ContainsKey(PitStatus.Green))
        {
            throw new InvalidDataException($"{path} has no all-circuit green-flag loss.");
        }

        return table with { Circuits = new Dictionary<string, IReadOnlyDictionary<PitStatus, PitLossValue>>(table.Circuits, StringComparer.OrdinalIgnoreCase) };
    }

    /// <summary>MAE of the table and of the all-circuit constant (one value per status) on a set of stops; only stops in the usable range count.</summary>
    public (double Table, double Constant, int N) Evaluate(IReadOnlyList<PitLossSample> samples, PitStatus? status = null)
    {
        var usable = samples.Where(s => s.LossSeconds is >= MinimumLoss and <= MaximumLoss && (status is null || s.Status == status)).ToList();
        if (usable.Count == 0)
        {
            return (double.NaN, double.NaN, 0);
        }

        return (usable.Average(s => Math.Abs(Lookup(s.Circuit, s.Status) - s.LossSeconds)), usable.Average(s => Math.Abs(Lookup(null, s.Status) - s.LossSeconds)), usable.Count);
    }
}
