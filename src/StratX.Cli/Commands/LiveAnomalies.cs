using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Laps;
using StratX.Ingestion.Replay;
using StratX.Models.Anomaly;

namespace StratX.Cli.Commands;

/// <summary>
/// A recording's laps judged by the anomaly rules in arrival order, as the session does: each lap at its
/// crossing with the telemetry summaries complete by then, and again when its own summary completes (a lap's
/// last samples usually arrive a moment after the crossing).
/// </summary>
internal static class LiveAnomalies
{
    public static List<(CarId Car, LapAnomaly Anomaly)> Judge(IEnumerable<SourceItem> items)
    {
        var cars = new Dictionary<CarId, Car>();
        var field = new List<LapCompleted>();
        var judged = new List<(CarId, LapAnomaly)>();
        var completed = new List<(int Lap, LapTelemetrySummary Summary)>();
        foreach (var item in items)
        {
            var car = CarOf(item.IsSample ? item.Car : (item.Event as LapCompleted)?.Car);
            if (car is null)
            {
                continue;
            }

            completed.Clear();
            if (item.IsSample)
            {
                car.Tracker.AddSamples([item.Sample], completed);
            }
            else
            {
                var lap = (LapCompleted)item.Event!;
                car.Laps.Add(lap);
                field.Add(lap);
                car.Tracker.AddLap(lap.LapNumber, lap.LapStartedAt, lap.OccurredAt, completed);
                Attach(car, completed);
                completed.Clear();
                if (LapAnomalyDetector.Latest(car.Laps, car.Telemetry, field) is { } anomaly)
                {
                    judged.Add((lap.Car, anomaly));
                }

                continue;
            }

            Attach(car, completed);
            foreach (var (number, _) in completed)
            {
                if (car.Laps.Count > 0 && car.Laps[^1].LapNumber == number
                    && LapAnomalyDetector.Latest(car.Laps, car.Telemetry, field) is { } again)
                {
                    judged.Add((item.Car, again));
                }
            }
        }

        return judged;

        Car? CarOf(CarId? id)
        {
            if (id is not { } key)
            {
                return null;
            }

            if (!cars.TryGetValue(key, out var car))
            {
                car = new Car();
                cars[key] = car;
            }

            return car;
        }
    }

    private static void Attach(Car car, List<(int Lap, LapTelemetrySummary Summary)> completed)
    {
        foreach (var (number, summary) in completed)
        {
            car.Telemetry[number] = summary;
        }
    }

    private sealed class Car
    {
        public List<LapCompleted> Laps { get; } = [];

        public Dictionary<int, LapTelemetrySummary> Telemetry { get; } = [];

        public LapTelemetryTracker Tracker { get; } = new();
    }
}
