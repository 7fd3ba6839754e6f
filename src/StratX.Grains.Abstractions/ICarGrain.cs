using StratX.Domain.Laps;
using StratX.Domain.Predictions;
using StratX.Grains.Views;

namespace StratX.Grains;

/// <summary>One car in one session, keyed "{tenant}/{session}/{car}". Fed by the car's timing and telemetry streams.</summary>
public interface ICarGrain : IGrainWithStringKey
{
    /// <summary>Null when the car has received nothing.</summary>
    ValueTask<CarView?> GetView();

    ValueTask<IReadOnlyList<LapRecord>> GetLaps();

    /// <summary>Every stint with its pace analysis, first to current.</summary>
    ValueTask<IReadOnlyList<StintView>> GetStints();

    /// <summary>The car models' latest predictions (tyre degradation and cliff, anomaly); null before its first lap.</summary>
    ValueTask<CarPredictions?> GetPredictions();
}
