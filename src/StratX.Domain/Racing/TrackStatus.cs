namespace StratX.Domain.Racing;

/// <summary>Track status, numbered as F1's timing feed numbers it.</summary>
public enum TrackStatus : byte
{
    Unknown = 0,
    Green = 1,
    Yellow = 2,
    SafetyCar = 4,
    Red = 5,
    VirtualSafetyCar = 6,
    VirtualSafetyCarEnding = 7,
}

public static class TrackStatuses
{
    /// <summary>Parses one status digit ('1' green … '7' VSC ending); '0' and anything else is not a status.</summary>
    public static bool TryParseDigit(char digit, out TrackStatus status)
    {
        status = digit switch
        {
            '1' => TrackStatus.Green,
            '2' => TrackStatus.Yellow,
            '4' => TrackStatus.SafetyCar,
            '5' => TrackStatus.Red,
            '6' => TrackStatus.VirtualSafetyCar,
            '7' => TrackStatus.VirtualSafetyCarEnding,
            _ => TrackStatus.Unknown,
        };
        return status != TrackStatus.Unknown;
    }

    /// <summary>True when the field is neutralised (SC, VSC or red flag): lap times say nothing about pace.</summary>
    public static bool IsNeutralised(this TrackStatus status) =>
        status is TrackStatus.SafetyCar or TrackStatus.VirtualSafetyCar or TrackStatus.VirtualSafetyCarEnding or TrackStatus.Red;
}
