using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Recordings;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Validation;
using StratX.Tests;

namespace StratX.Simulation.Tests;

/// <summary>Race states rebuilt from the bundled 2021 season laps, as they stood after a given lap.</summary>
internal static class RealRaceStates
{
    /// <summary>2021 Abu Dhabi Grand Prix (round 22, 58 laps).</summary>
    public static RaceSnapshot AbuDhabi2021(int afterLap) => FromFastF1(22, afterLap);

    public static RaceSnapshot FromFastF1(int round, int afterLap)
    {
        var recording = RaceRecordings.Open(RecordingFormat.FastF1Laps, RepoPaths.FastF1Laps2021, round, new RejectionLog(), includeTelemetry: false, RepoPaths.History);
        var events = recording.Read(new SessionKey(TenantId.Demo, new SessionId("sim"))).Select(i => i.Event).ToList();
        return RaceSnapshotBuilder.AfterLap(events.OfType<LapCompleted>(), events.OfType<PitStop>(), recording.Race.ScheduledLaps, afterLap, CircuitModel.TypicalDry);
    }
}
