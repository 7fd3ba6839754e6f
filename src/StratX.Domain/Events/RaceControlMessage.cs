using Orleans;
using StratX.Domain.Identity;

namespace StratX.Domain.Events;

/// <summary>A message from race control: flags, penalties, investigations, the chequered flag.</summary>
[GenerateSerializer, Immutable]
public sealed record RaceControlMessage : SessionEvent
{
    public const string ChequeredFlag = "CHEQUERED";

    /// <summary>E.g. "Flag", "SafetyCar", "Drs", "CarEvent", "Other".</summary>
    [Id(0)]
    public required string Category { get; init; }

    [Id(1)]
    public required string Message { get; init; }

    /// <summary>The flag shown, when the message is a flag (GREEN, YELLOW, RED, CHEQUERED …).</summary>
    [Id(2)]
    public string? Flag { get; init; }

    [Id(3)]
    public int? Lap { get; init; }

    [Id(4)]
    public CarId? Car { get; init; }

    public bool IsChequeredFlag => string.Equals(Flag, ChequeredFlag, StringComparison.OrdinalIgnoreCase);
}
