namespace StratX.Domain.Tyres;

/// <summary>
/// A car gets faster as it burns fuel. About 1.7 kg per lap at about 0.035 s per kg makes about 0.06 s per
/// lap; degradation figures add this back so that what is left is the tyre.
/// </summary>
public readonly record struct FuelModel(double SecondsPerLap)
{
    public static readonly FuelModel Default = new(0.06);

    /// <summary>The lap time the car would have done with the fuel load of the start of the race.</summary>
    public double Correct(double lapTime, int lapNumber) => lapTime + (SecondsPerLap * (lapNumber - 1));
}
