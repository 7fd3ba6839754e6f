using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.Validation;
using StratX.Models.Live;
using StratX.Tests;

namespace StratX.Models.Tests;

/// <summary>The bundled 2021 season's races as lap events, with each race's teams from its entry list, read once.</summary>
internal static class Season2021
{
    private static readonly Lazy<IReadOnlyDictionary<int, SeasonRace>> Read = new(() =>
        FastF1Season.Read(RepoPaths.FastF1Laps2021, new RejectionLog(), RepoPaths.History).ToDictionary(r => r.Round));

    private static readonly Lazy<IReadOnlyDictionary<int, (IReadOnlyList<LapCompleted> Laps, int TotalLaps)>> Races = new(() =>
        Read.Value.ToDictionary(r => r.Key, r => ((IReadOnlyList<LapCompleted>)[.. r.Value.Laps], r.Value.Race.ScheduledLaps)));

    private static readonly Lazy<IReadOnlyDictionary<int, IReadOnlyDictionary<CarId, string>>> Entries = new(() =>
        Read.Value.ToDictionary(r => r.Key, r => RaceLaps.TeamsOf(r.Value.Race.Entries)!));

    public static IReadOnlyDictionary<int, (IReadOnlyList<LapCompleted> Laps, int TotalLaps)> All => Races.Value;

    /// <summary>Each round whole: race info (name, circuit), laps and the track status changes derived from them.</summary>
    public static IReadOnlyDictionary<int, SeasonRace> Rounds => Read.Value;

    /// <summary>Each round's car → team, from its entry list.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyDictionary<CarId, string>> Teams => Entries.Value;
}
