using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Domain.Tyres;

namespace StratX.Grains.Views;

/// <summary>One stint: its laps, its pace and how fast its tyres go off.</summary>
[GenerateSerializer, Immutable]
public sealed record StintView
{
    [Id(0)]
    public required CarKey Car { get; init; }

    [Id(1)]
    public required int Number { get; init; }

    [Id(2)]
    public required TyreCompound Compound { get; init; }

    [Id(3)]
    public required int TyreAgeAtStart { get; init; }

    [Id(4)]
    public required int LapStart { get; init; }

    /// <summary>Last completed lap in the stint; LapStart − 1 until the first one completes.</summary>
    [Id(5)]
    public required int LapEnd { get; init; }

    /// <summary>Mean lap time of the stint's clean laps.</summary>
    [Id(6)]
    public double? AveragePace { get; init; }

    /// <summary>Fuel-corrected degradation (s/lap) with its fit; null until there are enough clean laps.</summary>
    [Id(7)]
    public StintDegradation? Degradation { get; init; }

    [Id(8)]
    public required IReadOnlyList<StintLap> Laps { get; init; }

    public int LapCount => Math.Max(0, LapEnd - LapStart + 1);
}

/// <summary>One lap of a stint as the degradation fit sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record StintLap(
    [property: Id(0)] int LapNumber,
    [property: Id(1)] int TyreAge,
    [property: Id(2)] double? LapTime,
    [property: Id(3)] double? FuelCorrectedLapTime,
    [property: Id(4)] bool UsedInFit,
    [property: Id(5)] bool IsClean);
