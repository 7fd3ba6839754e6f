using System.Globalization;
using Orleans;

namespace StratX.Domain.Racing;

/// <summary>
/// A gap between two cars as timing screens show it: seconds when both are on the same lap, whole laps
/// otherwise ("+1 LAP").
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct RaceGap([property: Id(0)] double Seconds, [property: Id(1)] int Laps)
{
    public static readonly RaceGap None = new(0, 0);

    public static RaceGap FromSeconds(double seconds) => new(seconds, 0);

    public static RaceGap FromLaps(int laps) => new(0, laps);

    public bool IsLapped => Laps > 0;

    /// <summary>As a timing screen writes it: "+1.234", "+1 LAP", "+2 LAPS".</summary>
    public string Text => ToString();

    public override string ToString() => Laps switch
    {
        0 => "+" + Seconds.ToString("0.000", CultureInfo.InvariantCulture),
        1 => "+1 LAP",
        _ => "+" + Laps.ToString(CultureInfo.InvariantCulture) + " LAPS",
    };
}
