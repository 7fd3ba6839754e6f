namespace StratX.Simulation;

/// <summary>One car's outcome over all simulated races.</summary>
public sealed record CarOutcome
{
    public required string Id { get; init; }

    /// <summary>P(finishing position = index + 1); sums to 1 (retired and disqualified cars are classified last).</summary>
    public required IReadOnlyList<double> PositionProbabilities { get; init; }

    public required double Win { get; init; }

    public required double Podium { get; init; }

    /// <summary>P(top 10).</summary>
    public required double Points { get; init; }

    public required double ExpectedPosition { get; init; }

    public required int MedianPosition { get; init; }

    public required double Retired { get; init; }

    public required double Disqualified { get; init; }

    /// <summary>Mean race time from the start state to the flag when finishing, seconds (null if it never finished).</summary>
    public double? ExpectedRaceTime { get; init; }

    public required double ExpectedStops { get; init; }
}

/// <summary>What the simulations say about every car.</summary>
public sealed record SimulationResult
{
    public required int Runs { get; init; }

    public required IReadOnlyList<CarOutcome> Cars { get; init; }

    public CarOutcome this[string id] => Cars.First(c => c.Id == id);

    internal static SimulationResult From(RaceSnapshot start, ChunkResult counts, int runs)
    {
        var n = counts.Cars;
        var cars = new List<CarOutcome>(n);
        for (var i = 0; i < n; i++)
        {
            var probabilities = new double[n];
            double expected = 0, cumulative = 0;
            var median = 0;
            for (var p = 0; p < n; p++)
            {
                probabilities[p] = (double)counts.PositionCounts[(i * n) + p] / runs;
                expected += probabilities[p] * (p + 1);
                if (median == 0 && (cumulative += probabilities[p]) >= 0.5)
                {
                    median = p + 1;
                }
            }

            cars.Add(new CarOutcome
            {
                Id = start.Cars[i].Id,
                PositionProbabilities = probabilities,
                Win = probabilities[0],
                Podium = probabilities.Take(3).Sum(),
                Points = probabilities.Take(10).Sum(),
                ExpectedPosition = expected,
                MedianPosition = median == 0 ? n : median,
                Retired = (double)counts.RetiredCount[i] / runs,
                Disqualified = (double)counts.DisqualifiedCount[i] / runs,
                ExpectedRaceTime = counts.Finished[i] > 0 ? counts.FinishTimeSum[i] / counts.Finished[i] : null,
                ExpectedStops = counts.StopsSum[i] / runs,
            });
        }

        return new SimulationResult { Runs = runs, Cars = cars };
    }
}
