using StratX.Domain.Racing;

namespace StratX.Simulation;

/// <summary>
/// What the simulator assumes the other cars will do when nobody says: a car that still needs a second dry
/// compound stops once, when its tyre reaches the cliff (or at once if it is past it), for the hard (the
/// medium if it is on the hard); a car that has used two compounds stops again only if it could not reach
/// the flag before its tyre is well past the cliff.
/// </summary>
public static class DefaultStrategies
{
    /// <summary>Laps past the cliff a car will run to the flag rather than stop again.</summary>
    private const int TolerancePastCliff = 6;

    public static Dictionary<string, Strategy> For(RaceSnapshot state, CircuitModel circuit)
    {
        var plans = new Dictionary<string, Strategy>(StringComparer.Ordinal);
        foreach (var car in state.Cars)
        {
            if (car.Retired || !car.Compound.IsDry())
            {
                continue;
            }

            var plan = For(car, state, circuit);
            if (plan.Stops.Count > 0)
            {
                plans[car.Id] = plan;
            }
        }

        return plans;
    }

    public static Strategy For(SimCar car, RaceSnapshot state, CircuitModel circuit)
    {
        var remaining = state.TotalLaps - state.LapsCompleted;
        if (remaining < 2)
        {
            // No lap is left to stop at before the flag.
            return Strategy.NoStop;
        }

        var cliff = circuit.Tyre(car.Compound).CliffAge;
        var dryUsed = car.CompoundsUsed.Append(car.Compound).Where(c => c.IsDry()).Distinct().Count();
        var next = car.Compound == TyreCompound.Hard ? TyreCompound.Medium : TyreCompound.Hard;
        if (dryUsed < 2)
        {
            var lap = Math.Clamp(state.LapsCompleted + Math.Max(1, cliff - car.TyreAge), state.LapsCompleted + 1, state.TotalLaps - 1);
            return lap > state.LapsCompleted && lap < state.TotalLaps ? new Strategy([new PlannedStop(lap, next)]) : Strategy.NoStop;
        }

        if (car.TyreAge + remaining > cliff + TolerancePastCliff && remaining > 3)
        {
            var lap = Math.Clamp(state.LapsCompleted + Math.Max(1, cliff - car.TyreAge), state.LapsCompleted + 1, state.TotalLaps - 1);
            return new Strategy([new PlannedStop(lap, remaining > 25 ? TyreCompound.Hard : TyreCompound.Medium)]);
        }

        return Strategy.NoStop;
    }
}
