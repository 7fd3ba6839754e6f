using Orleans.Concurrency;
using StratX.Domain.Racing;
using StratX.Grains.Planning;

namespace StratX.Grains;

/// <summary>
/// Plans one car's race, keyed "{tenant}/{session}/{car}": simulates the rest of the race from the live state
/// each time the car completes a lap and whenever the track status changes, off the grain's turn, dropping a
/// run as soon as a newer state arrives, and puts every plan on the session's update stream. The first call to
/// it (asking for its plan) makes its session keep it informed.
/// </summary>
public interface IStrategyPlannerGrain : IGrainWithStringKey
{
    /// <summary>The latest plan; with none yet, waits up to <paramref name="wait"/> for the first (null if it does not come).</summary>
    ValueTask<StrategyPlanView?> GetPlan(TimeSpan wait);

    /// <summary>The session: the car completed <paramref name="lap"/>.</summary>
    [OneWay]
    ValueTask OnLapCompleted(int lap);

    /// <summary>The session: the track status changed.</summary>
    [OneWay]
    ValueTask OnTrackStatusChanged(TrackStatus status);

    /// <summary>What-if: simulates the given candidates from the live state with common random numbers.</summary>
    ValueTask<StrategyComparison> Compare(StrategyComparisonRequest request);
}
