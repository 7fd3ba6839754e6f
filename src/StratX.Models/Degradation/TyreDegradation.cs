using StratX.Domain.Events;
using StratX.Domain.Racing;

namespace StratX.Models.Degradation;

/// <summary>
/// What the tyres will cost over the next laps of a stint: fuel-corrected pace loss (wear only) and the
/// raw lap-time change (wear minus fuel burnt), in seconds against the car's current pace, and the cliff alert.
/// </summary>
public sealed record DegradationForecast(
    TyreCompound Compound,
    int TyreAge,
    double WearPerLap,
    double WearNext1,
    double WearNext5,
    double WearNext10,
    double LapTimeChangeNext1,
    double LapTimeChangeNext5,
    double LapTimeChangeNext10,
    CliffAlert Cliff);

/// <summary>The live degradation API over fitted <see cref="DegradationCurves"/>.</summary>
public sealed class TyreDegradation(DegradationCurves curves)
{
    public DegradationCurves Curves { get; } = curves;

    public static TyreDegradation Load(string folder) => new(DegradationCurves.Load(Path.Combine(folder, DegradationCurves.FileName)));

    /// <summary>
    /// The forecast for the current stint of one car, from its laps so far; null when it has no lap yet.
    /// </summary>
    /// <param name="circuit">The circuit as the results history names it (unknown: the compound's curve).</param>
    /// <param name="carLaps">One car's laps so far, in any order.</param>
    public DegradationForecast? Forecast(string? circuit, IReadOnlyList<LapCompleted> carLaps)
    {
        ArgumentNullException.ThrowIfNull(carLaps);
        if (carLaps.Count == 0)
        {
            return null;
        }

        if (carLaps.Select(l => l.Car).Distinct().Skip(1).Any())
        {
            throw new ArgumentException("The laps are of more than one car.", nameof(carLaps));
        }

        var stint = StintLaps.Of(carLaps, Curves.Fuel)[^1];
        var last = carLaps.MaxBy(l => l.LapNumber)!;
        var rate = Curves.RateFor(circuit, stint.Compound);
        var fuel = Curves.FuelSecondsPerLap;
        return new DegradationForecast(
            stint.Compound,
            last.TyreAge ?? 0,
            rate,
            rate,
            rate * 5,
            rate * 10,
            rate - fuel,
            (rate - fuel) * 5,
            (rate - fuel) * 10,
            CliffDetector.Check(stint, rate));
    }
}
