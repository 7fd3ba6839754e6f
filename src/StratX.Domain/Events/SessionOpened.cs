using Orleans;
using StratX.Domain.Identity;

namespace StratX.Domain.Events;

/// <summary>A source started feeding a session: what race it is and who is entered. First race-control event.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionOpened : SessionEvent
{
    [Id(0)]
    public required RaceInfo Race { get; init; }
}

/// <summary>What a session is: the event, its distance and the entry list.</summary>
[GenerateSerializer, Immutable]
public sealed record RaceInfo
{
    /// <summary>E.g. "2023 Bahrain Grand Prix".</summary>
    [Id(0)]
    public required string Name { get; init; }

    [Id(1)]
    public required int Season { get; init; }

    [Id(2)]
    public int? Round { get; init; }

    [Id(3)]
    public string? Circuit { get; init; }

    /// <summary>Race distance in laps.</summary>
    [Id(4)]
    public required int ScheduledLaps { get; init; }

    [Id(5)]
    public DateTimeOffset? ScheduledStart { get; init; }

    [Id(6)]
    public required IReadOnlyList<Entry> Entries { get; init; }

    /// <summary>Where the data comes from, e.g. "OpenF1 (Apache-2.0)".</summary>
    [Id(7)]
    public string? Source { get; init; }
}

[GenerateSerializer, Immutable]
public sealed record Entry(
    [property: Id(0)] CarId Car,
    [property: Id(1)] string DriverCode,
    [property: Id(2)] string? DriverName,
    [property: Id(3)] string? Team,
    [property: Id(4)] int? GridPosition);
