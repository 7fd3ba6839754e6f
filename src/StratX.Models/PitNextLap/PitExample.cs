using Microsoft.ML.Data;

namespace StratX.Models.PitNextLap;

/// <summary>
/// One car at the end of one lap, described by what was known then; the label says whether it came into the
/// pits at the end of the next lap (the pit-window signal a strategist watches for rivals).
/// </summary>
public sealed class PitExample
{
    public float TyreAge { get; set; }

    /// <summary>Compound (1 soft, 2 medium, 3 hard, 4 intermediate, 5 wet).</summary>
    public float Compound { get; set; }

    public float Stint { get; set; }

    public float StopsMade { get; set; }

    /// <summary>1 when the car has not yet used a second dry compound (it must still stop in a dry race).</summary>
    public float NeedsSecondCompound { get; set; }

    public float RaceFraction { get; set; }

    public float LapsRemaining { get; set; }

    public float Position { get; set; }

    public float IntervalAhead { get; set; }

    /// <summary>Seconds to the car behind (large when last or alone).</summary>
    public float IntervalBehind { get; set; }

    /// <summary>Track status of the lap just run (1 green, 2 yellow, 4 safety car, 6 VSC, 7 VSC ending).</summary>
    public float LastLapStatus { get; set; }

    /// <summary>Cars that came in over the last three laps (a stop wave: undercuts, a neutralisation).</summary>
    public float FieldStopsLastThreeLaps { get; set; }

    /// <summary>Mean length of the stints on this compound that other cars have completed in this race so far (0 when none).</summary>
    public float FieldStintLength { get; set; }

    /// <summary>The car's last clean laps against its stint's earlier clean laps (s; tyres going off).</summary>
    public float PaceDrop { get; set; }

    /// <summary>Tyre age over <see cref="FieldStintLength"/> (0 when no such stint has ended yet).</summary>
    public float AgeOverFieldStint { get; set; }

    /// <summary>1 when the car directly ahead (at the end of the lap before) came in at the end of this lap.</summary>
    public float AheadPitted { get; set; }

    /// <summary>1 when the car directly behind (at the end of the lap before) came in at the end of this lap.</summary>
    public float BehindPitted { get; set; }

    /// <summary>Cars that came in at the end of this lap.</summary>
    public float FieldStopsThisLap { get; set; }

    /// <summary>Per-lap share of cars that stopped near this point of the race at this circuit in earlier seasons (−1: none).</summary>
    public float CircuitStopRate { get; set; }

    /// <summary>The same over all circuits in earlier seasons.</summary>
    public float StopRate { get; set; }

    /// <summary>Tyre age plus laps remaining: how long the stint would be if the car did not stop again.</summary>
    public float StintIfNoStop { get; set; }

    /// <summary>Share of the cars that ran lap n which have stopped more often than this car.</summary>
    public float ShareStoppedMore { get; set; }

    /// <summary>Laps since any car last came in (capped at 20; 20 when none has).</summary>
    public float LapsSinceFieldStop { get; set; }

    /// <summary>Cars behind on the road within a typical green pit loss (22 s) at the end of lap n: places a stop would cost.</summary>
    public float CarsWithinPitLoss { get; set; }

    /// <summary>Cars within three places of this one at the end of lap n − 3 that came in at the end of laps n − 2 … n (rivals reacting).</summary>
    public float NearbyStopsLastThreeLaps { get; set; }

    /// <summary>Length of the car's previous stint (0 in its first).</summary>
    public float PreviousStintLength { get; set; }

    /// <summary>Soft, medium and hard sets the car has not raced yet (0–3; what it can still switch to).</summary>
    public float DryCompoundsUnused { get; set; }

    /// <summary>Share of the other cars that ran lap n on older tyres than this car.</summary>
    public float ShareOnOlderTyres { get; set; }

    /// <summary>1 when the car's team-mate came in at the end of this lap.</summary>
    public float TeamMatePittedThisLap { get; set; }

    /// <summary>Laps since the team-mate last came in (0: this lap; capped at 10; 10 when it has not or there is none).</summary>
    public float TeamMateLapsSinceStop { get; set; }

    /// <summary>The team-mate's stops so far minus this car's (0 without a team-mate).</summary>
    public float TeamMateStopsMore { get; set; }

    /// <summary>The team-mate's tyre age minus this car's at the end of lap n (0 without a team-mate).</summary>
    public float TeamMateTyreAgeDiff { get; set; }

    /// <summary>Seconds the team-mate is behind this car on the road (negative: ahead; ±60 at most; 99 when not known).</summary>
    public float TeamMateGap { get; set; }

    /// <summary>Tyre age over the median tyre age of the other cars that ran lap n.</summary>
    public float AgeOverFieldMedianAge { get; set; }

    /// <summary>Tyre age minus the median tyre age of the other cars that ran lap n.</summary>
    public float AgeMinusFieldMedianAge { get; set; }

    /// <summary>1 when the car directly ahead at the end of lap n − 2 came in at the end of lap n − 1 (an undercut under way).</summary>
    public float AheadPittedLastLap { get; set; }

    /// <summary>1 when the car directly behind at the end of lap n − 2 came in at the end of lap n − 1.</summary>
    public float BehindPittedLastLap { get; set; }

    /// <summary>Laps left when no car behind is within the pit loss (a stop costs no place: late, a stop for fresh tyres and the fastest lap); 30 otherwise or when more are left.</summary>
    public float FreeStopLapsLeft { get; set; }

    /// <summary>Stops the other cars that ran lap n have made so far, per car (how hard this race is on tyres).</summary>
    public float FieldStopsPerCar { get; set; }

    /// <summary>Share of the other cars on this compound at the end of lap n whose tyres are older (0 when none).</summary>
    public float ShareOfCompoundOnOlderTyres { get; set; }

    [ColumnName("Label")]
    public bool Label { get; set; }

    public static readonly string[] FeatureColumns =
    [
        nameof(TyreAge), nameof(Compound), nameof(Stint), nameof(StopsMade), nameof(NeedsSecondCompound), nameof(RaceFraction),
        nameof(LapsRemaining), nameof(Position), nameof(IntervalAhead), nameof(IntervalBehind), nameof(LastLapStatus),
        nameof(FieldStopsLastThreeLaps), nameof(FieldStintLength), nameof(PaceDrop), nameof(AgeOverFieldStint),
        nameof(AheadPitted), nameof(BehindPitted), nameof(FieldStopsThisLap), nameof(CircuitStopRate), nameof(StopRate),
        nameof(StintIfNoStop), nameof(ShareStoppedMore), nameof(LapsSinceFieldStop), nameof(CarsWithinPitLoss), nameof(NearbyStopsLastThreeLaps),
        nameof(PreviousStintLength), nameof(DryCompoundsUnused), nameof(ShareOnOlderTyres),
    ];

    /// <summary>Features added after v2: not in the forest (v3, v4), but in v4's boosted trees (<see cref="BoostedColumns"/>).</summary>
    public static readonly string[] CandidateColumns =
    [
        nameof(TeamMatePittedThisLap), nameof(TeamMateLapsSinceStop), nameof(TeamMateStopsMore), nameof(TeamMateTyreAgeDiff), nameof(TeamMateGap),
        nameof(AgeOverFieldMedianAge), nameof(AgeMinusFieldMedianAge), nameof(AheadPittedLastLap), nameof(BehindPittedLastLap), nameof(FreeStopLapsLeft),
        nameof(FieldStopsPerCar), nameof(ShareOfCompoundOnOlderTyres),
    ];

    /// <summary>What v4's LightGBM boosted trees see: <see cref="FeatureColumns"/> and <see cref="CandidateColumns"/>.</summary>
    public static readonly string[] BoostedColumns = [.. FeatureColumns, .. CandidateColumns];
}
