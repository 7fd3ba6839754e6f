using Orleans;
using StratX.Domain.Racing;

namespace StratX.Domain.Events;

/// <summary>A car started a stint on a set of tyres (at the start, or leaving the pit lane).</summary>
[GenerateSerializer, Immutable]
public sealed record StintStarted : CarEvent
{
    /// <summary>From 1.</summary>
    [Id(0)]
    public required int StintNumber { get; init; }

    /// <summary>The first lap run on this set.</summary>
    [Id(1)]
    public required int LapStart { get; init; }

    [Id(2)]
    public required TyreCompound Compound { get; init; }

    /// <summary>Laps the set had already run when the stint started (0 for a new set).</summary>
    [Id(3)]
    public required int TyreAgeAtStart { get; init; }
}
