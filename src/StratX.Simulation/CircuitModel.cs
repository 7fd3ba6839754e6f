using StratX.Domain.Racing;

namespace StratX.Simulation;

/// <summary>How one compound's lap time grows with age: a linear wear rate, then a quadratic cliff.</summary>
/// <param name="Offset">Seconds per lap relative to the car's base pace on a new tyre of this compound.</param>
/// <param name="DegradationPerLap">Seconds lost per lap of tyre age, fuel-corrected.</param>
/// <param name="CliffAge">Age (laps) after which the tyre falls off.</param>
/// <param name="CliffPerLapSquared">Extra seconds per lap, times the square of the laps past the cliff.</param>
public readonly record struct CompoundModel(double Offset, double DegradationPerLap, int CliffAge, double CliffPerLapSquared)
{
    /// <summary>The tyre's share of a lap time at a given age.</summary>
    public double LapTimeAt(int age)
    {
        var past = age - CliffAge;
        return Offset + (DegradationPerLap * age) + (past > 0 ? CliffPerLapSquared * past * past : 0);
    }
}

/// <summary>
/// Everything about a circuit (and its race) that the simulator needs besides the cars: tyres, pit loss by
/// track status, how hard it is to pass, and how often the race is neutralised or a car retires.
/// </summary>
public sealed record CircuitModel
{
    public required CompoundModel Soft { get; init; }

    public required CompoundModel Medium { get; init; }

    public required CompoundModel Hard { get; init; }

    public required CompoundModel Intermediate { get; init; }

    public required CompoundModel Wet { get; init; }

    /// <summary>Time lost to a stop (pit lane + stationary) under green, VSC and safety car, in seconds.</summary>
    public required double PitLossGreen { get; init; }

    public required double PitLossVsc { get; init; }

    public required double PitLossSafetyCar { get; init; }

    /// <summary>Lap time carried per lap of fuel still aboard (seconds per lap of fuel).</summary>
    public double FuelEffectPerLap { get; init; } = 0.06;

    /// <summary>
    /// Standard deviation of the error in a car's estimated base pace (s/lap), drawn once per car per run:
    /// a pace estimated from a few laps is not the pace the car will have for the rest of the race. 0.7 is
    /// the value that best explained 2018–2021 finishes in <c>stratx backtest</c> (tried 0.3, 0.5, 0.7, 0.9).
    /// </summary>
    public double PaceUncertainty { get; init; } = 0.7;

    /// <summary>Standard deviation of a lap time around the model (seconds).</summary>
    public double LapTimeNoise { get; init; } = 0.35;

    /// <summary>Pace advantage (s/lap) a follower needs to pass the car directly ahead.</summary>
    public double OvertakeThreshold { get; init; } = 0.9;

    /// <summary>How much DRS lowers that threshold when the follower started the lap within the DRS window.</summary>
    public double DrsAdvantage { get; init; } = 0.45;

    /// <summary>The DRS window (seconds behind the car ahead at the start of the lap).</summary>
    public double DrsWindow { get; init; } = 1.0;

    /// <summary>DRS is enabled from this lap.</summary>
    public int DrsFromLap { get; init; } = 3;

    /// <summary>A held car follows at least this far behind (seconds).</summary>
    public double MinimumGap { get; init; } = 0.35;

    /// <summary>What being held costs per lap (dirty air), on top of the car ahead's pace.</summary>
    public double HeldCost { get; init; } = 0.15;

    /// <summary>What a pass costs both cars (seconds).</summary>
    public double PassCost { get; init; } = 0.25;

    /// <summary>Chance per green lap that a safety car, a VSC or a red flag starts.</summary>
    public double SafetyCarPerLap { get; init; } = 0.022;

    public double VscPerLap { get; init; } = 0.015;

    public double RedFlagPerLap { get; init; } = 0.002;

    /// <summary>How long neutralisations last (laps, inclusive).</summary>
    public int SafetyCarLapsMin { get; init; } = 3;

    public int SafetyCarLapsMax { get; init; } = 6;

    public int VscLapsMin { get; init; } = 1;

    public int VscLapsMax { get; init; } = 3;

    /// <summary>Lap time under safety car and VSC as a multiple of the car's base pace.</summary>
    public double SafetyCarLapFactor { get; init; } = 1.40;

    public double VscLapFactor { get; init; } = 1.30;

    /// <summary>Gap between cars queued behind the safety car (seconds).</summary>
    public double SafetyCarGap { get; init; } = 0.8;

    /// <summary>Share of a gap that survives each lap behind the safety car (the queue forms in about two laps).</summary>
    public double SafetyCarGapKept { get; init; } = 0.3;

    /// <summary>Chance per lap that a running car retires.</summary>
    public double RetirementPerLap { get; init; } = 0.0012;

    /// <summary>Under a safety car or VSC, a car pits at once if its next planned stop is at most this many laps away.</summary>
    public int NeutralisedStopWindow { get; init; } = 6;

    public CompoundModel Tyre(TyreCompound compound) => compound switch
    {
        TyreCompound.Soft => Soft,
        TyreCompound.Medium => Medium,
        TyreCompound.Hard => Hard,
        TyreCompound.Intermediate => Intermediate,
        TyreCompound.Wet => Wet,
        _ => throw new ArgumentOutOfRangeException(nameof(compound), compound, "No model for an unknown compound."),
    };

    /// <summary>
    /// Provisional parameters for a typical dry grand prix circuit, to be replaced by the fits from the models
    /// issue: compound offsets and wear rates of the order the 2018–2022 lap data shows for C2–C4 allocations
    /// (soft ~0.6 s/lap faster than hard when new and wearing ~2–3× faster), green pit loss ~22 s, VSC ~60% and
    /// safety car ~45% of it, neutralisation rates of the order of history/safety_cars.csv (2015–2025: a safety
    /// car in roughly two races of three over ~55 laps).
    /// </summary>
    public static CircuitModel TypicalDry { get; } = new()
    {
        Soft = new CompoundModel(-0.60, 0.085, 18, 0.020),
        Medium = new CompoundModel(-0.25, 0.055, 30, 0.015),
        Hard = new CompoundModel(0.00, 0.035, 42, 0.012),
        Intermediate = new CompoundModel(4.00, 0.060, 30, 0.015),
        Wet = new CompoundModel(7.00, 0.050, 35, 0.015),
        PitLossGreen = 22.0,
        PitLossVsc = 13.5,
        PitLossSafetyCar = 10.0,
    };
}
