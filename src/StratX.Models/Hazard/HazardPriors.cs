namespace StratX.Models.Hazard;

/// <summary>One past race at a circuit: laps the leader ran and neutralisations (SC, VSC, red flag) started.</summary>
public sealed record PastRace(int Season, string Circuit, int Laps, int Starts);

/// <summary>A circuit's neutralisations in earlier seasons and its per-lap rate, shrunk towards all circuits.</summary>
public sealed record CircuitPrior(int Races, int Laps, int Starts, double Rate);

/// <summary>
/// How often races at each circuit were neutralised, per lap, in the seasons before a given one: the hazard
/// model's circuit prior. Few races per circuit, so each circuit's rate is shrunk towards the all-circuit
/// rate as if <see cref="ShrinkLaps"/> laps at that rate were added. Written beside the model as
/// <see cref="FileName"/> so that serving needs no history files.
/// </summary>
public sealed record HazardPriors
{
    public const string FileName = "circuit-priors.json";

    /// <summary>Pseudo-laps at the all-circuit rate added to each circuit (about five races).</summary>
    public const double ShrinkLaps = 300;

    /// <summary>VSCs exist from 2015; earlier rates would count safety cars only.</summary>
    public const int FirstSeason = 2015;

    public required int FromSeason { get; init; }

    public required int ToSeason { get; init; }

    public required double AllCircuitsRate { get; init; }

    /// <summary>The per-lap rate of neutralisation starts in the model's training laps (the constant baseline).</summary>
    public double TrainingRate { get; init; }

    public required IReadOnlyDictionary<string, CircuitPrior> Circuits { get; init; }

    /// <summary>Priors from the races of seasons <see cref="FirstSeason"/> to <paramref name="lastSeason"/> only.</summary>
    public static HazardPriors Fit(IEnumerable<PastRace> races, int lastSeason)
    {
        var used = races.Where(r => r.Season >= FirstSeason && r.Season <= lastSeason && r.Laps > 0).ToList();
        var all = used.Sum(r => r.Laps) is var laps and > 0 ? (double)used.Sum(r => r.Starts) / laps : 0;
        return new HazardPriors
        {
            FromSeason = FirstSeason,
            ToSeason = lastSeason,
            AllCircuitsRate = Math.Round(all, 5),
            Circuits = used.GroupBy(r => r.Circuit, StringComparer.OrdinalIgnoreCase).ToDictionary(
                g => g.Key,
                g => new CircuitPrior(g.Count(), g.Sum(r => r.Laps), g.Sum(r => r.Starts), Math.Round((g.Sum(r => r.Starts) + (ShrinkLaps * all)) / (g.Sum(r => r.Laps) + ShrinkLaps), 5)),
                StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>The circuit's per-lap rate; the all-circuit rate for a circuit not seen before (or none given).</summary>
    public double RateFor(string? circuit) =>
        circuit is not null && Circuits.TryGetValue(circuit, out var prior) ? prior.Rate : AllCircuitsRate;

    public void Save(string path) => ModelJson.Save(path, this);

    public static HazardPriors Load(string path)
    {
        var priors = ModelJson.Load<HazardPriors>(path, "hazard circuit priors");
        return priors with { Circuits = new Dictionary<string, CircuitPrior>(priors.Circuits, StringComparer.OrdinalIgnoreCase) };
    }
}
