using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Laps;

namespace StratX.Grains.Cars;

/// <summary>A car's kept laps as the lap events the models' features are defined on.</summary>
internal static class CarLaps
{
    public static List<LapCompleted> AsEvents(CarKey car, IReadOnlyList<LapRecord> laps)
    {
        var events = new List<LapCompleted>(laps.Count);
        foreach (var lap in laps)
        {
            events.Add(new LapCompleted
            {
                Session = car.Session,
                Car = car.Car,
                Sequence = 0,
                OccurredAt = lap.CrossedAt,
                LapNumber = lap.LapNumber,
                LapTime = lap.LapTime,
                Sector1 = lap.Sector1,
                Sector2 = lap.Sector2,
                Sector3 = lap.Sector3,
                SpeedI1 = lap.SpeedI1,
                SpeedI2 = lap.SpeedI2,
                SpeedFinishLine = lap.SpeedFinishLine,
                SpeedTrap = lap.SpeedTrap,
                Compound = lap.Compound,
                TyreAge = lap.TyreAge,
                Stint = lap.Stint,
                PitIn = lap.PitIn,
                PitOut = lap.PitOut,
                Position = lap.Position,
                GapToLeader = lap.GapToLeader,
                IntervalToAhead = lap.IntervalToAhead,
                TrackStatus = lap.TrackStatus,
            });
        }

        return events;
    }
}
