namespace StratX.Domain.Timing;

/// <summary>
/// The running order of a race: more laps first; on equal laps, whoever crossed the line first. This is the
/// order of the final classification too, retirements included (they stop gaining laps and fall behind).
/// </summary>
public static class RaceOrder
{
    public static int Compare(int lapsA, DateTimeOffset? lastCrossingA, int lapsB, DateTimeOffset? lastCrossingB)
    {
        if (lapsA != lapsB)
        {
            return lapsB.CompareTo(lapsA);
        }

        return (lastCrossingA, lastCrossingB) switch
        {
            ({ } a, { } b) => a.CompareTo(b),
            (null, { }) => 1,
            ({ }, null) => -1,
            _ => 0,
        };
    }

    /// <summary>Whether a car took the chequered flag: it crossed the line at or after the leader finished.</summary>
    public static bool TookChequeredFlag(DateTimeOffset? lastCrossing, DateTimeOffset? chequeredAt) =>
        lastCrossing is { } crossed && chequeredAt is { } flag && crossed >= flag;
}
