namespace StratX.Fuzz;

/// <summary>
/// A parser under fuzzing: the real inputs its mutations start from, and a call that parses one input and says
/// what became of it. <see cref="Parse"/> may throw only what the parser documents for input it cannot use
/// (the target turns it into a rejection with the exception's message); anything else is a crash.
/// </summary>
public sealed record ParserTarget(string Name, IReadOnlyList<byte[]> Seeds, Func<byte[], ParseOutcome> Parse)
{
    public override string ToString() => Name;
}

/// <summary>What one input became: how many records were accepted, and the reason of every rejection.</summary>
public readonly record struct ParseOutcome(int Accepted, IReadOnlyList<string> Rejections)
{
    public static ParseOutcome Rejected(string reason) => new(0, [reason]);
}

/// <summary>Every parser fuzzed: each source's targets are listed in its own file.</summary>
public static class ParserTargets
{
    public static IReadOnlyList<ParserTarget> All { get; } = [.. TeamTelemetryTargets.All, .. ServerTargets.All, .. IngestionTargets.All];
}
