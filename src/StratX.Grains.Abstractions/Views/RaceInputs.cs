using StratX.Domain.Identity;
using StratX.Domain.Racing;

namespace StratX.Grains.Views;

/// <summary>What a session knows that a race simulation starts from (the cars' laps come from the cars).</summary>
[GenerateSerializer, Immutable]
public sealed record RaceInputs
{
    [Id(0)]
    public required SessionPhase Phase { get; init; }

    [Id(1)]
    public int? ScheduledLaps { get; init; }

    [Id(2)]
    public required int LeaderLap { get; init; }

    [Id(3)]
    public required TrackStatus TrackStatus { get; init; }

    /// <summary>The leader's lap when the current track status began.</summary>
    [Id(4)]
    public int TrackStatusSinceLap { get; init; }

    /// <summary>Every car with the stops it has made.</summary>
    [Id(5)]
    public required IReadOnlyDictionary<CarId, int> Stops { get; init; }

    /// <summary>The circuit as the results history names it (for its fitted pit losses), when known.</summary>
    [Id(6)]
    public string? Circuit { get; init; }
}
