using Microsoft.ML.Data;

namespace StratX.Models.Hazard;

/// <summary>
/// The race at the end of a leader lap, described by what was known then; the label says whether a safety
/// car or VSC was deployed (or a red flag shown) during the next leader lap.
/// </summary>
public sealed class HazardExample
{
    /// <summary>The circuit's per-lap neutralisation rate in earlier seasons (shrunk; see <see cref="HazardPriors"/>).</summary>
    public float CircuitRate { get; set; }

    /// <summary>The next lap over the race distance.</summary>
    public float RaceFraction { get; set; }

    /// <summary>Laps left including the next one.</summary>
    public float LapsLeft { get; set; }

    /// <summary>1 when the next lap is the first (the start: the most incidents per lap).</summary>
    public float FirstLap { get; set; }

    /// <summary>Neutralisations started so far.</summary>
    public float NeutralisationsSoFar { get; set; }

    /// <summary>Leader laps since the last neutralised lap (capped at 40; 40 when none yet).</summary>
    public float LapsSinceNeutralised { get; set; }

    /// <summary>1 when the lap just run was neutralised (a new one rarely starts while one is out).</summary>
    public float NeutralisedNow { get; set; }

    /// <summary>1 when a yellow flag was out during the lap just run.</summary>
    public float YellowLastLap { get; set; }

    /// <summary>Share of running cars on intermediate or wet tyres.</summary>
    public float WetShare { get; set; }

    /// <summary>Cars that have stopped running so far.</summary>
    public float Retired { get; set; }

    /// <summary>Cars that stopped running within the last three leader laps (a car parked on track).</summary>
    public float RetiredRecently { get; set; }

    [ColumnName("Label")]
    public bool Label { get; set; }

    /// <summary>Whether a neutralisation started at any later lap of the race (the rest-of-race label).</summary>
    [NoColumn]
    public bool LaterInRace { get; set; }

    /// <summary>The leader lap just completed (0 before the start).</summary>
    [NoColumn]
    public int LapCompleted { get; set; }

    [NoColumn]
    public int TotalLaps { get; set; }

    public static readonly string[] FeatureColumns =
    [
        nameof(CircuitRate), nameof(RaceFraction), nameof(LapsLeft), nameof(FirstLap), nameof(NeutralisationsSoFar),
        nameof(LapsSinceNeutralised), nameof(NeutralisedNow), nameof(YellowLastLap), nameof(WetShare), nameof(Retired), nameof(RetiredRecently),
    ];

    /// <summary>
    /// The features of a lap further ahead that can be known now: the lap-to-lap signals (yellow, a car just
    /// parked, neutralised now, neutralisations so far, retirements) are unknown that far out, so the
    /// hazard of later laps is scored by a model without them, which gives their average effect.
    /// </summary>
    public static readonly string[] AheadColumns = [nameof(CircuitRate), nameof(FirstLap), nameof(WetShare)];

    public HazardExample Copy() => (HazardExample)MemberwiseClone();
}
