namespace StratX.Domain.Tyres;

/// <summary>
/// A stint's pace and degradation from its laps. Only clean laps count, and of those only laps within a few
/// percent of the stint's median: a lap stuck in traffic would otherwise read as tyre wear.
/// </summary>
public static class StintPace
{
    /// <summary>Laps slower than the stint's median clean lap by more than this share are left out.</summary>
    public const double OutlierShare = 0.035;

    /// <param name="lapNumbers">Race lap of each lap (for the fuel correction).</param>
    /// <param name="tyreAges">Tyre age at the end of each lap.</param>
    /// <param name="cleanLapTimes">Lap time of each clean lap; NaN for laps that are not clean.</param>
    /// <param name="fuel">How much faster the car gets per lap as it burns fuel.</param>
    /// <param name="usedInFit">Set to whether each lap went into the figures.</param>
    public static StintPaceResult Analyse(
        ReadOnlySpan<int> lapNumbers,
        ReadOnlySpan<int> tyreAges,
        ReadOnlySpan<double> cleanLapTimes,
        FuelModel fuel,
        Span<bool> usedInFit)
    {
        var n = lapNumbers.Length;
        if (tyreAges.Length != n || cleanLapTimes.Length != n || usedInFit.Length != n)
        {
            throw new ArgumentException("All spans must have one entry per lap.");
        }

        var median = Median(cleanLapTimes);
        Span<double> ages = n <= 128 ? stackalloc double[n] : new double[n];
        Span<double> corrected = n <= 128 ? stackalloc double[n] : new double[n];
        var used = 0;
        double sum = 0;
        for (var i = 0; i < n; i++)
        {
            var time = cleanLapTimes[i];
            usedInFit[i] = !double.IsNaN(time) && time <= median * (1 + OutlierShare);
            if (!usedInFit[i])
            {
                continue;
            }

            sum += time;
            ages[used] = tyreAges[i];
            corrected[used] = fuel.Correct(time, lapNumbers[i]);
            used++;
        }

        return new StintPaceResult(
            used == 0 ? null : Math.Round(sum / used, 3),
            StintDegradation.Fit(ages[..used], corrected[..used]),
            used);
    }

    private static double Median(ReadOnlySpan<double> values)
    {
        var clean = new List<double>(values.Length);
        foreach (var v in values)
        {
            if (!double.IsNaN(v))
            {
                clean.Add(v);
            }
        }

        if (clean.Count == 0)
        {
            return double.NaN;
        }

        clean.Sort();
        var mid = clean.Count / 2;
        return clean.Count % 2 == 1 ? clean[mid] : (clean[mid - 1] + clean[mid]) / 2;
    }
}

/// <param name="AveragePace">Mean of the laps used, in seconds.</param>
/// <param name="Degradation">Null until enough laps are used.</param>
/// <param name="LapsUsed">How many laps went into the figures.</param>
public readonly record struct StintPaceResult(double? AveragePace, StintDegradation? Degradation, int LapsUsed);
