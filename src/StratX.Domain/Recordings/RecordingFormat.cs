namespace StratX.Domain.Recordings;

/// <summary>The kinds of recorded race StratX can replay.</summary>
public enum RecordingFormat : byte
{
    /// <summary>An OpenF1 race folder (openf1_json/ and car_data/).</summary>
    OpenF1Folder = 1,

    /// <summary>A FastF1 season file (race_laps_YYYY.csv) and a round.</summary>
    FastF1Laps = 2,
}
