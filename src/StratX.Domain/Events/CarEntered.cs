using Orleans;

namespace StratX.Domain.Events;

/// <summary>A car is on the entry list: who drives it and for which team. First event on a car's timing stream.</summary>
[GenerateSerializer, Immutable]
public sealed record CarEntered : CarEvent
{
    /// <summary>Three-letter code, e.g. VER.</summary>
    [Id(0)]
    public required string DriverCode { get; init; }

    [Id(1)]
    public string? DriverName { get; init; }

    [Id(2)]
    public string? Team { get; init; }

    /// <summary>Starting grid slot, when known (0 = pit lane start).</summary>
    [Id(3)]
    public int? GridPosition { get; init; }
}
