using Orleans;

namespace StratX.Domain.Tyres;

/// <summary>
/// How fast a stint's tyres go off: the least-squares slope of fuel-corrected lap time against tyre age over
/// the stint's clean laps, with how well the line fits. A slope from three laps is noise; callers should
/// read <see cref="StandardError"/> and <see cref="Laps"/> before trusting it.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct StintDegradation(
    [property: Id(0)] double SlopeSecondsPerLap,
    [property: Id(1)] double InterceptSeconds,
    [property: Id(2)] double RSquared,
    [property: Id(3)] double StandardError,
    [property: Id(4)] int Laps)
{
    public const int MinimumLaps = 3;

    /// <summary>Fits the line; null with fewer than <see cref="MinimumLaps"/> points or no spread in age.</summary>
    public static StintDegradation? Fit(ReadOnlySpan<double> tyreAge, ReadOnlySpan<double> correctedLapTime)
    {
        if (tyreAge.Length != correctedLapTime.Length)
        {
            throw new ArgumentException("Ages and lap times differ in length.", nameof(correctedLapTime));
        }

        var n = tyreAge.Length;
        if (n < MinimumLaps)
        {
            return null;
        }

        double meanX = 0, meanY = 0;
        for (var i = 0; i < n; i++)
        {
            meanX += tyreAge[i];
            meanY += correctedLapTime[i];
        }

        meanX /= n;
        meanY /= n;
        double sxx = 0, sxy = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = tyreAge[i] - meanX;
            var dy = correctedLapTime[i] - meanY;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }

        if (sxx <= 0)
        {
            return null;
        }

        var slope = sxy / sxx;
        var intercept = meanY - (slope * meanX);
        var residual = Math.Max(0, syy - (slope * sxy));
        var rSquared = syy > 0 ? 1 - (residual / syy) : 1;
        var standardError = n > 2 ? Math.Sqrt(residual / (n - 2) / sxx) : double.NaN;
        return new StintDegradation(
            Math.Round(slope, 4),
            Math.Round(intercept, 3),
            Math.Round(rSquared, 3),
            Math.Round(standardError, 4),
            n);
    }

    /// <summary>Predicted fuel-corrected lap time at a tyre age.</summary>
    public double At(double tyreAge) => InterceptSeconds + (SlopeSecondsPerLap * tyreAge);
}
