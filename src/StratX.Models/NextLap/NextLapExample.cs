using Microsoft.ML.Data;

namespace StratX.Models.NextLap;

/// <summary>
/// One car at the end of one lap, described only by what was known then, and (when it is known) the time
/// of its next lap. The model predicts the next lap relative to <see cref="Reference"/>, the car's recent
/// clean pace, so trees learn corrections rather than circuit lap times.
/// </summary>
public sealed class NextLapExample
{
    /// <summary>The car's recent clean pace: the mean of its last three clean laps (its last lap if it has none).</summary>
    public float Reference { get; set; }

    /// <summary>Last lap time minus the reference.</summary>
    public float LastLapDelta { get; set; }

    /// <summary>Mean of the last three clean laps minus the median of the stint's clean laps (the stint's trend).</summary>
    public float StintTrend { get; set; }

    /// <summary>Tyre age on the lap to predict.</summary>
    public float TyreAge { get; set; }

    /// <summary>Compound (1 soft, 2 medium, 3 hard, 4 intermediate, 5 wet).</summary>
    public float Compound { get; set; }

    public float Stint { get; set; }

    /// <summary>Lap number over race distance.</summary>
    public float RaceFraction { get; set; }

    public float LapsRemaining { get; set; }

    public float Position { get; set; }

    /// <summary>Seconds to the car ahead at the end of the lap (large when alone or leading).</summary>
    public float IntervalAhead { get; set; }

    public float GapToLeader { get; set; }

    /// <summary>1 when the lap just run was a clean green lap.</summary>
    public float LastLapClean { get; set; }

    /// <summary>1 when the lap just run was the out-lap of a stop.</summary>
    public float LastLapPitOut { get; set; }

    /// <summary>How much the interval to the car ahead shrank over the last lap (seconds; positive when closing).</summary>
    public float Closing { get; set; }

    /// <summary>The lap before last minus the reference.</summary>
    public float PreviousLapDelta { get; set; }

    /// <summary>Track status of the lap just run (1 green, 2 yellow, 4 safety car, 5 red, 6 VSC, 7 VSC ending).</summary>
    public float LastLapStatus { get; set; }

    /// <summary>Laps since the track was last neutralised (10 when never or long ago).</summary>
    public float LapsSinceNeutralised { get; set; }

    /// <summary>Clean laps so far in this stint.</summary>
    public float CleanLapsInStint { get; set; }

    /// <summary>The car's reference minus the field's median clean pace over the previous laps.</summary>
    public float DeltaToField { get; set; }

    /// <summary>How the field's median clean pace moved over the last laps (s/lap; track evolution, fuel).</summary>
    public float FieldTrend { get; set; }

    /// <summary>Next lap time minus the reference (training and evaluation only).</summary>
    [ColumnName("Label")]
    public float Label { get; set; }

    /// <summary>Not a feature: the next lap time, when known.</summary>
    [NoColumn]
    public double? NextLapTime { get; set; }

    /// <summary>Not a feature: whether the next lap is one the model is judged on (green, not an in or out lap).</summary>
    [NoColumn]
    public bool Evaluable { get; set; }

    /// <summary>Not a feature: the naive rules' predictions for the next lap.</summary>
    [NoColumn]
    public double NaiveLast { get; set; }

    [NoColumn]
    public double NaiveHybrid { get; set; }

    public static readonly string[] FeatureColumns =
    [
        nameof(LastLapDelta), nameof(StintTrend), nameof(TyreAge), nameof(Compound), nameof(Stint), nameof(RaceFraction),
        nameof(LapsRemaining), nameof(Position), nameof(IntervalAhead), nameof(GapToLeader), nameof(LastLapClean),
        nameof(LastLapPitOut), nameof(DeltaToField), nameof(FieldTrend), nameof(PreviousLapDelta), nameof(LastLapStatus),
        nameof(LapsSinceNeutralised), nameof(CleanLapsInStint), nameof(Closing),
    ];
}
