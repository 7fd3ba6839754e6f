namespace StratX.Domain.Racing;

/// <summary>The tyre a car runs, as the timing feeds name it (relative to the weekend's allocation).</summary>
public enum TyreCompound : byte
{
    Unknown = 0,
    Soft = 1,
    Medium = 2,
    Hard = 3,
    Intermediate = 4,
    Wet = 5,
}

public static class TyreCompounds
{
    /// <summary>Parses a feed's compound name (SOFT, MEDIUM, HARD, INTERMEDIATE, WET, UNKNOWN; any case).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TyreCompound compound)
    {
        text = text.Trim();
        foreach (var (name, value) in Names)
        {
            if (text.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                compound = value;
                return true;
            }
        }

        // Feeds write an unknown tyre as UNKNOWN, TEST_UNKNOWN, an empty cell or pandas' "nan".
        compound = TyreCompound.Unknown;
        return text.IsEmpty || text.Equals("TEST_UNKNOWN", StringComparison.OrdinalIgnoreCase) || text.Equals("nan", StringComparison.OrdinalIgnoreCase);
    }

    private static readonly (string Name, TyreCompound Value)[] Names =
    [
        ("SOFT", TyreCompound.Soft),
        ("MEDIUM", TyreCompound.Medium),
        ("HARD", TyreCompound.Hard),
        ("INTERMEDIATE", TyreCompound.Intermediate),
        ("WET", TyreCompound.Wet),
        ("UNKNOWN", TyreCompound.Unknown),
    ];

    public static bool IsDry(this TyreCompound compound) =>
        compound is TyreCompound.Soft or TyreCompound.Medium or TyreCompound.Hard;

    public static string ToFeedName(this TyreCompound compound) => compound switch
    {
        TyreCompound.Soft => "SOFT",
        TyreCompound.Medium => "MEDIUM",
        TyreCompound.Hard => "HARD",
        TyreCompound.Intermediate => "INTERMEDIATE",
        TyreCompound.Wet => "WET",
        _ => "UNKNOWN",
    };
}
