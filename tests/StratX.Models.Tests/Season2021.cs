using StratX.Domain.Events;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.Validation;
using StratX.Tests;

namespace StratX.Models.Tests;

/// <summary>The bundled 2021 season's races as lap events, read once.</summary>
internal static class Season2021
{
    private static readonly Lazy<IReadOnlyDictionary<int, (IReadOnlyList<LapCompleted> Laps, int TotalLaps)>> Races = new(() =>
        FastF1Season.Read(RepoPaths.FastF1Laps2021, new RejectionLog(), RepoPaths.History)
            .ToDictionary(r => r.Round, r => ((IReadOnlyList<LapCompleted>)[.. r.Laps], r.Race.ScheduledLaps)));

    public static IReadOnlyDictionary<int, (IReadOnlyList<LapCompleted> Laps, int TotalLaps)> All => Races.Value;
}
