using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Recordings;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Validation;
using StratX.Tests;

namespace StratX.Models.Tests;

/// <summary>The bundled 2021 season's races as lap events, read once.</summary>
internal static class Season2021
{
    private static readonly Lazy<IReadOnlyDictionary<int, (IReadOnlyList<LapCompleted> Laps, int TotalLaps)>> Races = new(Read);

    public static IReadOnlyDictionary<int, (IReadOnlyList<LapCompleted> Laps, int TotalLaps)> All => Races.Value;

    private static Dictionary<int, (IReadOnlyList<LapCompleted>, int)> Read()
    {
        var races = new Dictionary<int, (IReadOnlyList<LapCompleted>, int)>();
        foreach (var (round, _) in FastF1Recording.Rounds(RepoPaths.FastF1Laps2021))
        {
            var recording = RaceRecordings.Open(RecordingFormat.FastF1Laps, RepoPaths.FastF1Laps2021, round, new RejectionLog(), includeTelemetry: false, RepoPaths.History);
            var laps = recording.Read(new SessionKey(TenantId.Demo, new SessionId("models"))).Select(i => i.Event).OfType<LapCompleted>().ToList();
            races[round] = (laps, recording.Race.ScheduledLaps);
        }

        return races;
    }
}
