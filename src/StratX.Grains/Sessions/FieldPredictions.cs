using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Laps;
using StratX.Domain.Predictions;
using StratX.Models.Live;
using StratX.Models.Scoring;

namespace StratX.Grains.Sessions;

/// <summary>
/// A session's field models: the race so far indexed for features (rebuilt from the session's persisted laps
/// after a restart) and the latest predictions per car. When a car completes lap n it is scored, and so is
/// the car directly ahead of it: that car's lap-n features about the car behind it are complete only now.
/// Teams come from the session's entry list (the pit model's team-mate features).
/// </summary>
internal sealed class FieldPredictions(LivePredictor predictor, SessionState state)
{
    private readonly Dictionary<CarId, CarPredictions> _latest = [];
    private readonly Dictionary<CarId, Dictionary<int, LapTelemetrySummary>> _telemetry = [];
    private RaceLaps? _race;
    private HazardPrediction? _hazard;

    /// <summary>Forgets the index (the race's distance or circuit became known): it is rebuilt on next use.</summary>
    public void Reset()
    {
        _race = null;
        _hazard = null;
    }

    /// <summary>
    /// Adds a lap to the session's persisted laps (a lap sent again replaces the first) and to the index, and
    /// scores what it changes; returns the predictions to announce.
    /// </summary>
    public IReadOnlyList<CarPredictions> Add(LapCompleted lap, IReadOnlyDictionary<int, LapTelemetrySummary>? telemetry)
    {
        if (telemetry is { Count: > 0 })
        {
            var known = TelemetryOf(lap.Car);
            foreach (var (number, summary) in telemetry)
            {
                known[number] = summary;
            }
        }

        var race = Race();
        if (race.LapOf(lap.Car, lap.LapNumber) is null)
        {
            state.Laps.Add(lap);
        }
        else
        {
            state.Laps[state.Laps.FindLastIndex(l => l.Car == lap.Car && l.LapNumber == lap.LapNumber)] = lap;
        }

        race.Add(lap);
        var updated = new List<CarPredictions>(2);
        var hazard = Hazard(race, lap.LapNumber);
        if (Score(race, lap.Car, hazard) is { } mine)
        {
            updated.Add(mine);
        }

        if (lap.Position is > 1 and var position && race.At(lap.LapNumber, position - 1) is { } ahead && Score(race, ahead.Car, hazard) is { } theirs)
        {
            updated.Add(theirs);
        }

        return updated;
    }

    /// <summary>
    /// A car's lap telemetry summary that completed after the lap was reported. When it is the summary of the lap the
    /// car was last scored after, that lap is judged again by the anomaly rules with it; returns the predictions to
    /// announce when the verdict changed, else null.
    /// </summary>
    public CarPredictions? AddTelemetry(CarId car, int lapNumber, LapTelemetrySummary summary, DateTimeOffset now)
    {
        var known = TelemetryOf(car);
        known[lapNumber] = summary;
        if (!_latest.TryGetValue(car, out var latest) || latest.Lap != lapNumber)
        {
            return null;
        }

        var judged = predictor.JudgeLatestLap(Race(), car, state.Laps, known);
        if (judged is null || judged == latest.Anomaly)
        {
            return null;
        }

        latest = latest with { Anomaly = judged, ScoredAt = now };
        _latest[car] = latest;
        return latest;
    }

    /// <summary>The lap telemetry summaries known for a car, by lap.</summary>
    private Dictionary<int, LapTelemetrySummary> TelemetryOf(CarId car)
    {
        if (!_telemetry.TryGetValue(car, out var known))
        {
            known = [];
            _telemetry[car] = known;
        }

        return known;
    }

    public CarPredictions? Latest(CarId car) =>
        _latest.TryGetValue(car, out var latest) ? latest : Score(Race(), car, Hazard(Race(), state.LeaderLap));

    public HazardPrediction? LatestHazard() => state.LeaderLap == 0 ? null : Hazard(Race(), state.LeaderLap);

    private CarPredictions? Score(RaceLaps race, CarId car, HazardPrediction? hazard)
    {
        if (predictor.ScoreField(race, car, state.Laps, _telemetry.GetValueOrDefault(car)) is not { } scored)
        {
            return null;
        }

        scored = scored with { Hazard = hazard };
        _latest[car] = scored;
        return scored;
    }

    /// <summary>The hazard after the leader's lap: scored once per lap of the race.</summary>
    private HazardPrediction? Hazard(RaceLaps race, int lap)
    {
        if (lap <= 0)
        {
            return null;
        }

        if (_hazard is null || _hazard.Lap < lap)
        {
            _hazard = predictor.ScoreHazard(race, lap, state.Laps);
        }

        return _hazard;
    }

    private RaceLaps Race()
    {
        if (_race is null)
        {
            var totalLaps = state.Race?.ScheduledLaps ?? Math.Max(1, state.Laps.Count == 0 ? 1 : state.Laps.Max(l => l.LapNumber));
            _race = RaceLaps.Of(state.Laps, totalLaps, state.Race?.Circuit, RaceLaps.TeamsOf(state.Race?.Entries));
        }

        return _race;
    }
}
