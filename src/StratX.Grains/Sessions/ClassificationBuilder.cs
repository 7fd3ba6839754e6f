using StratX.Domain.Identity;
using StratX.Domain.Timing;
using StratX.Grains.Views;

namespace StratX.Grains.Sessions;

/// <summary>Turns a session's standings into the classification a timing screen shows.</summary>
internal static class ClassificationBuilder
{
    public static Classification Build(SessionKey session, SessionState state)
    {
        var cars = state.Cars.Values.ToList();
        cars.Sort(Compare);
        var rows = new List<ClassificationRow>(cars.Count);
        foreach (var car in cars)
        {
            rows.Add(new ClassificationRow
            {
                Position = rows.Count + 1,
                Car = car.Car,
                DriverCode = car.DriverCode ?? car.Car.Value,
                DriverName = car.DriverName,
                Team = car.Team,
                GridPosition = car.GridPosition,
                Laps = car.Laps,
                GapToLeader = rows.Count == 0 ? null : car.GapToLeader,
                Interval = rows.Count == 0 ? null : car.Interval,
                LastLapTime = car.LastLapTime,
                BestLapTime = car.BestLapTime,
                Compound = car.Compound,
                TyreAge = car.TyreAge,
                Stops = car.Stops,
                Status = StatusOf(car, state),
            });
        }

        return new Classification
        {
            Session = session,
            LeaderLap = state.LeaderLap,
            ScheduledLaps = state.Race?.ScheduledLaps,
            Phase = state.Phase,
            Rows = rows,
        };
    }

    private static int Compare(CarStanding a, CarStanding b)
    {
        var byRace = RaceOrder.Compare(a.Laps, a.LastCrossing, b.Laps, b.LastCrossing);
        if (byRace != 0)
        {
            return byRace;
        }

        // Before anyone has completed a lap: grid order, then car number.
        var byGrid = (a.GridPosition ?? int.MaxValue).CompareTo(b.GridPosition ?? int.MaxValue);
        return byGrid != 0 ? byGrid : a.Car.CompareTo(b.Car);
    }

    private static CarStatus StatusOf(CarStanding car, SessionState state)
    {
        if (RaceOrder.TookChequeredFlag(car.LastCrossing, state.ChequeredAt))
        {
            return CarStatus.Finished;
        }

        if (state.Phase == SessionPhase.Ended)
        {
            return CarStatus.Retired;
        }

        return car.InPit ? CarStatus.InPit : CarStatus.Running;
    }
}
