using StratX.Domain.Laps;
using StratX.Grains.Views;

namespace StratX.Grains;

/// <summary>One stint of one car, keyed "{tenant}/{session}/{car}/{stint}": its laps, pace and tyre degradation.</summary>
public interface IStintGrain : IGrainWithStringKey
{
    ValueTask<StintView> Start(StintSummary stint, long ingestedAtTicks);

    /// <summary>Adds or replaces a lap of this stint (idempotent by lap number).</summary>
    ValueTask<StintView> AddLap(LapRecord lap, long ingestedAtTicks);

    /// <summary>Null when the stint never started.</summary>
    ValueTask<StintView?> GetView();
}
