using Orleans;

namespace StratX.Domain.Laps;

/// <summary>What a lap's car data says in a few numbers: how hard the car was pushed and how it was driven.</summary>
[GenerateSerializer, Immutable]
public sealed record LapTelemetrySummary
{
    [Id(0)]
    public required int Samples { get; init; }

    [Id(1)]
    public required double MaxSpeed { get; init; }

    [Id(2)]
    public required double MeanSpeed { get; init; }

    /// <summary>Share of samples at ≥ 98 % throttle.</summary>
    [Id(3)]
    public required double FullThrottleShare { get; init; }

    /// <summary>Number of separate brake applications.</summary>
    [Id(4)]
    public required int BrakeApplications { get; init; }

    /// <summary>Share of samples with DRS open.</summary>
    [Id(5)]
    public required double DrsOpenShare { get; init; }

    [Id(6)]
    public required int GearChanges { get; init; }

    [Id(7)]
    public required int MaxRpm { get; init; }
}
