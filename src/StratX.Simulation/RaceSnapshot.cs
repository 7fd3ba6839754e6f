using StratX.Domain.Racing;

namespace StratX.Simulation;

/// <summary>What the track is doing when a simulation starts.</summary>
public enum SimTrackStatus
{
    Green,
    SafetyCar,
    Vsc,
}

/// <summary>One car as the simulation starts from it.</summary>
public sealed record SimCar
{
    /// <summary>The car's id (race number).</summary>
    public required string Id { get; init; }

    /// <summary>Seconds behind the leader at the end of the last completed lap (0 for the leader).</summary>
    public required double GapToLeader { get; init; }

    /// <summary>Fuel-corrected lap time on a new tyre of offset 0 (the model's base pace), seconds.</summary>
    public required double BasePace { get; init; }

    public required TyreCompound Compound { get; init; }

    public required int TyreAge { get; init; }

    public int Stops { get; init; }

    /// <summary>Compounds used so far, the current one included.</summary>
    public IReadOnlyList<TyreCompound> CompoundsUsed { get; init; } = [];

    public bool Retired { get; init; }
}

/// <summary>A live race state to simulate from: laps completed by the leader, running order, track status.</summary>
public sealed record RaceSnapshot
{
    public required int TotalLaps { get; init; }

    /// <summary>Laps the leader has completed.</summary>
    public required int LapsCompleted { get; init; }

    /// <summary>Cars in running order (leader first); retired cars anywhere.</summary>
    public required IReadOnlyList<SimCar> Cars { get; init; }

    public SimTrackStatus TrackStatus { get; init; }

    /// <summary>Laps the current neutralisation still has to run (ignored under green).</summary>
    public int NeutralisedLapsLeft { get; init; }

    /// <summary>What is wrong with this state, if anything (empty when it can be simulated).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (TotalLaps < 1)
        {
            errors.Add($"totalLaps must be at least 1 (was {TotalLaps}).");
        }

        if (LapsCompleted < 0 || LapsCompleted > TotalLaps)
        {
            errors.Add($"lapsCompleted {LapsCompleted} is outside the race distance of {TotalLaps} laps.");
        }

        if (Cars.Count == 0)
        {
            errors.Add("there are no cars.");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lastGap = 0.0;
        foreach (var car in Cars)
        {
            if (!ids.Add(car.Id))
            {
                errors.Add($"car {car.Id} appears twice.");
            }

            if (car.Compound is TyreCompound.Unknown || !Enum.IsDefined(car.Compound))
            {
                errors.Add($"car {car.Id}: unknown compound.");
            }

            if (car.GapToLeader < 0 || double.IsNaN(car.GapToLeader))
            {
                errors.Add($"car {car.Id}: negative gap to the leader ({car.GapToLeader}).");
            }
            else if (!car.Retired && car.GapToLeader < lastGap)
            {
                errors.Add($"car {car.Id}: gap {car.GapToLeader} s is smaller than the car ahead's ({lastGap} s); cars must be in running order.");
            }

            if (!car.Retired && car.GapToLeader >= 0)
            {
                lastGap = car.GapToLeader;
            }

            if (car.TyreAge < 0)
            {
                errors.Add($"car {car.Id}: negative tyre age.");
            }

            if (!(car.BasePace > 30 && car.BasePace < 300))
            {
                errors.Add($"car {car.Id}: base pace {car.BasePace} s is not a lap time.");
            }
        }

        return errors;
    }

    /// <summary>What is wrong with <paramref name="strategy"/> as a plan for <paramref name="car"/> from this state (empty when nothing).</summary>
    public IReadOnlyList<string> ValidateStrategy(string car, Strategy strategy)
    {
        var errors = new List<string>();
        if (!Cars.Any(c => c.Id == car && !c.Retired))
        {
            errors.Add($"car {car} is not running in this state.");
        }

        if (strategy.Stops.Count > CompiledRace.MaxStops)
        {
            errors.Add($"{strategy.Stops.Count} stops planned; at most {CompiledRace.MaxStops} are simulated.");
        }

        var previous = LapsCompleted;
        foreach (var stop in strategy.Stops)
        {
            if (stop.Lap <= LapsCompleted || stop.Lap >= TotalLaps)
            {
                errors.Add($"a stop at the end of lap {stop.Lap} is outside the laps left: {LapsCompleted + 1} to {TotalLaps - 1}.");
            }
            else if (stop.Lap <= previous)
            {
                errors.Add($"stops must be on different laps in lap order (lap {stop.Lap} after lap {previous}).");
            }

            if (stop.Compound is TyreCompound.Unknown || !Enum.IsDefined(stop.Compound))
            {
                errors.Add($"the stop at lap {stop.Lap} fits an unknown compound.");
            }

            previous = Math.Max(previous, stop.Lap);
        }

        return errors;
    }
}

/// <summary>A planned stop: at the end of <paramref name="Lap"/>, fit <paramref name="Compound"/>.</summary>
public readonly record struct PlannedStop(int Lap, TyreCompound Compound);

/// <summary>A car's plan for the rest of the race: its stops in lap order.</summary>
public sealed record Strategy(IReadOnlyList<PlannedStop> Stops)
{
    public static Strategy NoStop { get; } = new([]);

    public override string ToString() =>
        Stops.Count == 0 ? "no stop" : string.Join(", ", Stops.Select(s => $"L{s.Lap} {s.Compound.ToFeedName()}"));
}
