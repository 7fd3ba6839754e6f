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
            var probabilities = PositionDistribution.FromCounts(counts.PositionCounts.AsSpan(i * n, n), runs);
            cars.Add(new CarOutcome
            {
                Id = start.Cars[i].Id,
                PositionProbabilities = probabilities,
                Win = probabilities[0],
                Podium = PositionDistribution.Top(probabilities, 3),
                Points = PositionDistribution.Top(probabilities, 10),
                ExpectedPosition = PositionDistribution.Expected(probabilities),
                MedianPosition = PositionDistribution.Median(probabilities),
                Retired = (double)counts.RetiredCount[i] / runs,
                Disqualified = (double)counts.DisqualifiedCount[i] / runs,
                ExpectedRaceTime = counts.Finished[i] > 0 ? counts.FinishTimeSum[i] / counts.Finished[i] : null,
                ExpectedStops = counts.StopsSum[i] / runs,
            });
        }

        return new SimulationResult { Runs = runs, Cars = cars };
    }
}
