using Orleans;

namespace StratX.Domain.Events;

/// <summary>A car came through the pit lane: it entered at the end of <see cref="InLap"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record PitStop : CarEvent
{
    /// <summary>From 1.</summary>
    [Id(0)]
    public required int StopNumber { get; init; }

    [Id(1)]
    public required int InLap { get; init; }

    /// <summary>Pit entry to pit exit, in seconds, when the feed gives both times.</summary>
    [Id(2)]
    public double? PitLaneSeconds { get; init; }
}
