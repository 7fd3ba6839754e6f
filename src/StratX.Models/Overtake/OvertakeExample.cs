using Microsoft.ML.Data;

namespace StratX.Models.Overtake;

/// <summary>
/// A car and the car directly ahead of it at the end of lap N, described by what was known then; the label
/// says whether the car is ahead of that same car at the end of lap N + <see cref="Horizon"/>.
/// </summary>
public sealed class OvertakeExample
{
    /// <summary>Laps ahead the label looks (1, 2 or 3): one model serves every horizon.</summary>
    public float Horizon { get; set; }

    /// <summary>Seconds to the car ahead at the line at the end of lap N.</summary>
    public float Interval { get; set; }

    /// <summary>1 when the interval is under a second (DRS range at the next detection point, roughly).</summary>
    public float InDrsRange { get; set; }

    /// <summary>How much of the gap to this same car the car took back on lap N (s; positive: closing).</summary>
    public float ClosingLastLap { get; set; }

    /// <summary>The same per lap over the last three laps.</summary>
    public float ClosingPerLap { get; set; }

    /// <summary>The car's recent clean pace minus the car ahead's (s; negative: faster).</summary>
    public float PaceDifference { get; set; }

    /// <summary>The car's lap N minus the car ahead's lap N (s).</summary>
    public float LastLapDifference { get; set; }

    public float TyreAge { get; set; }

    public float AheadTyreAge { get; set; }

    /// <summary>Tyre age of the car ahead minus the car's (positive: the car ahead's tyres are older).</summary>
    public float TyreAgeDifference { get; set; }

    /// <summary>Compound (1 soft, 2 medium, 3 hard, 4 intermediate, 5 wet).</summary>
    public float Compound { get; set; }

    public float AheadCompound { get; set; }

    /// <summary>Laps each car has run in its current stint (an out-lap is 1).</summary>
    public float LapsInStint { get; set; }

    public float AheadLapsInStint { get; set; }

    /// <summary>Stops made by the car minus stops made by the car ahead.</summary>
    public float StopsDifference { get; set; }

    public float Position { get; set; }

    public float LapNumber { get; set; }

    public float LapsRemaining { get; set; }

    /// <summary>Track status of lap N (1 green, 2 yellow, 4 safety car, 6 VSC, 7 VSC ending).</summary>
    public float LastLapStatus { get; set; }

    /// <summary>Laps since lap N was last neutralised (capped at 10; restarts bunch the field).</summary>
    public float LapsSinceNeutralised { get; set; }

    /// <summary>The car ahead's interval to the car ahead of it (60 when it leads).</summary>
    public float AheadInterval { get; set; }

    /// <summary>How much the car ahead took back on lap N from the car ahead of it (positive: it is catching one itself).</summary>
    public float AheadClosingLastLap { get; set; }

    /// <summary>Seconds the car behind is from this car (60 when none).</summary>
    public float BehindInterval { get; set; }

    /// <summary>Positions the car gained on lap N (negative: lost).</summary>
    public float PositionsGainedLastLap { get; set; }

    /// <summary>1 when the car was ahead of this same car at the end of lap N − 1 (it has just been passed).</summary>
    public float WasAheadLastLap { get; set; }

    /// <summary>The car's recent clean pace against the field's median lap N − 1 (s).</summary>
    public float PaceToField { get; set; }

    [ColumnName("Label")]
    public bool Label { get; set; }

    /// <summary>The car (not a feature).</summary>
    [NoColumn]
    public string Car { get; set; } = "";

    /// <summary>The car directly ahead at the end of lap N (not a feature).</summary>
    [NoColumn]
    public string Ahead { get; set; } = "";

    /// <summary>Lap N (not a feature: <see cref="LapNumber"/> is its float twin).</summary>
    [NoColumn]
    public int Lap { get; set; }

    public static readonly string[] FeatureColumns =
    [
        nameof(Horizon), nameof(Interval), nameof(InDrsRange), nameof(ClosingLastLap), nameof(ClosingPerLap), nameof(PaceDifference),
        nameof(LastLapDifference), nameof(TyreAge), nameof(AheadTyreAge), nameof(TyreAgeDifference), nameof(Compound), nameof(AheadCompound),
        nameof(LapsInStint), nameof(AheadLapsInStint), nameof(StopsDifference), nameof(Position), nameof(LapNumber), nameof(LapsRemaining),
        nameof(LastLapStatus), nameof(LapsSinceNeutralised), nameof(AheadInterval), nameof(AheadClosingLastLap), nameof(BehindInterval),
        nameof(PositionsGainedLastLap), nameof(WasAheadLastLap), nameof(PaceToField),
    ];

    /// <summary>This example for another horizon and label (features unchanged).</summary>
    public OvertakeExample For(int horizon, bool label)
    {
        var copy = (OvertakeExample)MemberwiseClone();
        copy.Horizon = horizon;
        copy.Label = label;
        return copy;
    }
}
