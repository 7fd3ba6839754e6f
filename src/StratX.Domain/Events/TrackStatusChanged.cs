using Orleans;
using StratX.Domain.Racing;

namespace StratX.Domain.Events;

/// <summary>The track status changed (green, yellow, safety car, VSC, red flag).</summary>
[GenerateSerializer, Immutable]
public sealed record TrackStatusChanged : SessionEvent
{
    [Id(0)]
    public required TrackStatus Status { get; init; }

    /// <summary>The leader's lap when it changed, when known.</summary>
    [Id(1)]
    public int? Lap { get; init; }
}
