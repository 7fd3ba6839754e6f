using StratX.Domain.Identity;
using StratX.Domain.Laps;
using StratX.Domain.Predictions;
using StratX.Grains.Ingestion;
using StratX.Grains.Views;

namespace StratX.Grains;

/// <summary>
/// One session, keyed "{tenant}/{session}": classification, gaps, lap count, track status, weather, fastest lap
/// and pit stops. Fed by the session's race-control stream and by its cars' lap reports.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>A car completed a lap; answers with the field's pace for the car to compare itself with.</summary>
    ValueTask<FieldPace> RecordLap(CarLapReport report);

    ValueTask RecordPitStop(PitStopView stop);

    /// <summary>
    /// A car's telemetry summary of a lap, complete only after the lap was reported (its last samples came later): the
    /// anomaly rules judge the car's latest lap again with it, and a changed verdict is announced.
    /// </summary>
    ValueTask RecordLapTelemetry(CarId car, int lapNumber, LapTelemetrySummary summary, long ingestedAtTicks);

    /// <summary>Starts replaying a recording into this session (throws <see cref="ReplayAlreadyRunningException"/> while one runs).</summary>
    ValueTask<IngestionStatus> StartReplay(ReplayRequest request);

    /// <summary>Stops the running replay; false when none runs.</summary>
    ValueTask<bool> StopReplay();

    /// <summary>The live status of this session's latest ingestion, from the silo that runs it.</summary>
    ValueTask<IngestionStatus?> GetIngestion();

    /// <summary>The ingestion service reports progress here, so the session's summary and watchers see it.</summary>
    ValueTask UpdateIngestion(IngestionStatus status);

    /// <summary>Null when nothing is known about the session.</summary>
    ValueTask<SessionSummary?> GetSummary();

    ValueTask<Classification> GetClassification();

    /// <summary>From now on, tell the car's strategy planner about its laps and about track-status changes.</summary>
    ValueTask FollowStrategy(CarId car);

    /// <summary>What a race simulation of this session starts from.</summary>
    ValueTask<RaceInputs> GetRaceInputs();

    /// <summary>
    /// The field models' latest predictions for a car (next lap, pit, overtake, pit loss, safety-car hazard);
    /// null before its first lap.
    /// </summary>
    ValueTask<CarPredictions?> GetPredictions(CarId car);

    /// <summary>The safety-car / VSC hazard after the leader's latest lap; null before the first lap.</summary>
    ValueTask<HazardPrediction?> GetHazard();
}
