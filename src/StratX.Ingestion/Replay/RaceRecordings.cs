using StratX.Domain.Identity;
using StratX.Domain.Recordings;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.History;
using StratX.Ingestion.OpenF1;
using StratX.Ingestion.Validation;

namespace StratX.Ingestion.Replay;

/// <summary>Opens a recording of any supported format.</summary>
public static class RaceRecordings
{
    /// <param name="round">The round, for a season file.</param>
    /// <param name="historyFolder">The results history; found beside the data when null.</param>
    /// <param name="telemetryOf">With telemetry: only these cars' (null: every car's).</param>
    public static IRaceRecording Open(RecordingFormat format, string path, int? round, IRejectionSink rejections, bool includeTelemetry = true, string? historyFolder = null, IReadOnlySet<CarId>? telemetryOf = null)
    {
        var history = historyFolder is null ? null : HistoryTables.Load(historyFolder);
        return format switch
        {
            RecordingFormat.OpenF1Folder => OpenF1Recording.Open(path, rejections, history, includeTelemetry, telemetryOf),
            RecordingFormat.FastF1Laps => FastF1Recording.Open(path, round ?? throw new ArgumentException("A season file needs a round.", nameof(round)), rejections, history),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown recording format."),
        };
    }

    /// <summary>The format of a path: a folder is an OpenF1 race, a .csv file a FastF1 season; null otherwise.</summary>
    public static RecordingFormat? FormatOf(string path) =>
        Directory.Exists(path) ? RecordingFormat.OpenF1Folder
        : File.Exists(path) && path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? RecordingFormat.FastF1Laps
        : null;
}
