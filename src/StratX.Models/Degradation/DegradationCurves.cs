using StratX.Domain.Racing;
using StratX.Domain.Tyres;

namespace StratX.Models.Degradation;

/// <summary>A compound's (or a circuit's compound's) fuel-corrected pace loss per lap of tyre age, and the stints it came from.</summary>
public sealed record WearRate(double SecondsPerLap, int Stints);

/// <summary>
/// Tyre wear per compound and circuit: the fuel-corrected pace loss per lap of tyre age, fitted from whole
/// stints (late clean laps against early ones) on training races. Per compound it is the median over
/// stints; per circuit × compound the circuit's median is shrunk towards the compound's as if
/// <see cref="ShrinkStints"/> stints at the compound's rate were added.
/// </summary>
public sealed record DegradationCurves
{
    public const string FileName = "curves.json";
    public const string Name = "wear-curve";
    public const string NoChange = "no-change";

    /// <summary>Laps at each end of a stint that set its early and late pace.</summary>
    public const int Window = 5;

    public const double ShrinkStints = 8;

    public required double FuelSecondsPerLap { get; init; }

    public required IReadOnlyDictionary<TyreCompound, WearRate> Compounds { get; init; }

    /// <summary>Keyed "circuit|COMPOUND".</summary>
    public required IReadOnlyDictionary<string, WearRate> Circuits { get; init; }

    public FuelModel Fuel => new(FuelSecondsPerLap);

    /// <summary>A stint's wear rate: the late window's fuel-corrected pace against the early window's, per lap of tyre age.</summary>
    public static double? StintRate(Stint stint)
    {
        if (stint.Clean.Count < 2 * Window)
        {
            return null;
        }

        var early = stint.Clean.Take(Window).ToList();
        var late = stint.Clean.TakeLast(Window).ToList();
        var ages = late.Average(l => l.TyreAge) - early.Average(l => l.TyreAge);
        return ages <= 0 ? null : (late.Average(l => l.Corrected) - early.Average(l => l.Corrected)) / ages;
    }

    public static DegradationCurves Fit(IEnumerable<(string? Circuit, Stint Stint)> stints, FuelModel fuel)
    {
        var rates = stints.Where(s => s.Stint.Compound.IsDry()).Select(s => (s.Circuit, s.Stint.Compound, Rate: StintRate(s.Stint))).Where(s => s.Rate is not null).ToList();
        var compounds = rates.GroupBy(r => r.Compound).ToDictionary(g => g.Key, g => new WearRate(Math.Round(StintLaps.Median(g.Select(r => r.Rate!.Value)), 4), g.Count()));
        var circuits = new Dictionary<string, WearRate>(StringComparer.OrdinalIgnoreCase);
        foreach (var g in rates.Where(r => r.Circuit is not null).GroupBy(r => Key(r.Circuit!, r.Compound), StringComparer.OrdinalIgnoreCase))
        {
            var prior = compounds[g.First().Compound].SecondsPerLap;
            var n = g.Count();
            circuits[g.Key] = new WearRate(Math.Round(((n * StintLaps.Median(g.Select(r => r.Rate!.Value))) + (ShrinkStints * prior)) / (n + ShrinkStints), 4), n);
        }

        return new DegradationCurves { FuelSecondsPerLap = fuel.SecondsPerLap, Compounds = compounds, Circuits = circuits };
    }

    /// <summary>
    /// Fuel-corrected pace loss per lap of tyre age: the circuit's, else the compound's. 0 for intermediates
    /// and wets: on a wet or drying track the track, not the tyre, sets the trend (their fitted rate was
    /// negative), so only the fuel term is applied.
    /// </summary>
    public double RateFor(string? circuit, TyreCompound compound) =>
        !compound.IsDry() ? 0
        : circuit is not null && Circuits.TryGetValue(Key(circuit, compound), out var c) ? c.SecondsPerLap
        : Compounds.TryGetValue(compound, out var r) ? r.SecondsPerLap
        : 0;

    /// <summary>
    /// The mean lap time of a stint's late window predicted from its early window: the early window's median
    /// (one slowish lap among the first five does not move it), plus wear over the tyre-age gap, minus the
    /// fuel burnt over the lap gap. No-change is the early window's mean. Null when the stint is too short.
    /// </summary>
    public (double Predicted, double NoChange, double Actual)? PredictLateWindow(string? circuit, Stint stint)
    {
        if (stint.Clean.Count < 2 * Window)
        {
            return null;
        }

        var early = stint.Clean.Take(Window).ToList();
        var late = stint.Clean.TakeLast(Window).ToList();
        var ageGap = late.Average(l => l.TyreAge) - early.Average(l => l.TyreAge);
        var lapGap = late.Average(l => l.LapNumber) - early.Average(l => l.LapNumber);
        var anchor = StintLaps.Median(early.Select(l => l.LapTime));
        return (anchor + (RateFor(circuit, stint.Compound) * ageGap) - (FuelSecondsPerLap * lapGap), early.Average(l => l.LapTime), late.Average(l => l.LapTime));
    }

    public static string Key(string circuit, TyreCompound compound) => $"{circuit}|{compound.ToFeedName()}";

    public void Save(string path) => ModelJson.Save(path, this);

    public static DegradationCurves Load(string path)
    {
        var curves = ModelJson.Load<DegradationCurves>(path, "degradation curves");
        return curves with { Circuits = new Dictionary<string, WearRate>(curves.Circuits, StringComparer.OrdinalIgnoreCase) };
    }
}
