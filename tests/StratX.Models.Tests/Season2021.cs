using StratX.Domain.Events;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.Validation;
using StratX.Tests;

namespace StratX.Models.Tests;

/// <summary>The bundled 2021 season's races as lap events, read once.</summary>
internal static class Season2021
{
    private static readonly Lazy<IReadOnlyDictionary<int, SeasonRace>> Read = new(() =>
        FastF1Season.Read(RepoPaths.FastF1Laps2021, new RejectionLog(), RepoPaths.History).ToDictionary(r => r.Round));

    private static readonly Lazy<IReadOnlyDictionary<int, (IReadOnlyList<LapCompleted> Laps, int TotalLaps)>> Races = new(() =>
        Read.Value.ToDictionary(r => r.Key, r => ((IReadOnlyList<LapCompleted>)[.. r.Value.Laps], r.Value.Race.ScheduledLaps)));

    public static IReadOnlyDictionary<int, (IReadOnlyList<LapCompleted> Laps, int TotalLaps)> All => Races.Value;

    /// <summary>Each round whole: race info (name, circuit), laps and the track status changes derived from them.</summary>
    public static IReadOnlyDictionary<int, SeasonRace> Rounds => Read.Value;
}
