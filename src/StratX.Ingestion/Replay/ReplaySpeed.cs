using System.Globalization;

namespace StratX.Ingestion.Replay;

/// <summary>How fast a replay runs: as fast as possible, or a factor of real time (1 = real time, 10 = ten times faster).</summary>
public readonly record struct ReplaySpeed
{
    public const double MaxFactor = 10_000;

    private ReplaySpeed(double factor) => Factor = factor;

    public static ReplaySpeed Max { get; } = new(0);

    /// <summary>0 for as fast as possible.</summary>
    public double Factor { get; }

    public bool IsMax => Factor == 0;

    public static ReplaySpeed Times(double factor) =>
        factor is > 0 and <= MaxFactor && double.IsFinite(factor)
            ? new ReplaySpeed(factor)
            : throw new ArgumentOutOfRangeException(nameof(factor), factor, $"A replay speed is a factor above 0 and at most {MaxFactor}.");

    /// <summary>Parses "max", "10", "10x" or "0.5".</summary>
    public static bool TryParse(string? text, out ReplaySpeed speed, out string error)
    {
        speed = Max;
        error = "";
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0 || trimmed.Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (double.TryParse(trimmed.TrimEnd('x', 'X', '×'), NumberStyles.Float, CultureInfo.InvariantCulture, out var factor)
            && factor is > 0 and <= MaxFactor)
        {
            speed = new ReplaySpeed(factor);
            return true;
        }

        error = $"'{text}' is not a replay speed: use \"max\" or a factor such as 1 (real time) or 10 (ten times faster), up to {MaxFactor:0}.";
        return false;
    }

    public override string ToString() => IsMax ? "max" : $"{Factor.ToString("0.##", CultureInfo.InvariantCulture)}×";
}
