using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Recordings;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Validation;

namespace StratX.Ingestion.FastF1;

/// <summary>One race of a season lap file, read whole: what it is and its events in order (no telemetry).</summary>
public sealed record SeasonRace(int Round, string EventName, RaceInfo Race, IReadOnlyList<RaceEvent> Events)
{
    public IEnumerable<LapCompleted> Laps => Events.OfType<LapCompleted>();

    public IEnumerable<PitStop> Stops => Events.OfType<PitStop>();

    public IEnumerable<TrackStatusChanged> TrackStatusChanges => Events.OfType<TrackStatusChanged>();
}

/// <summary>Every race of a FastF1 season file, for analysis rather than replay (training, backtests, fits).</summary>
public static class FastF1Season
{
    private static readonly SessionKey Analysis = new(TenantId.Demo, new SessionId("analysis"));

    /// <summary>Reads each round in turn; rejected rows go to <paramref name="rejections"/>.</summary>
    public static IEnumerable<SeasonRace> Read(string csvPath, IRejectionSink rejections, string? historyFolder = null)
    {
        foreach (var (round, name) in FastF1Recording.Rounds(csvPath))
        {
            var recording = RaceRecordings.Open(RecordingFormat.FastF1Laps, csvPath, round, rejections, includeTelemetry: false, historyFolder);
            yield return new SeasonRace(round, name, recording.Race, [.. recording.Read(Analysis).Where(i => i.Event is not null).Select(i => i.Event!)]);
        }
    }
}
