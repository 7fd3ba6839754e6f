using StratX.Ingestion.FastF1;
using StratX.Ingestion.Validation;
using StratX.Tests;

namespace StratX.Simulation.Tests;

/// <summary>Race states rebuilt from the bundled 2021 season laps, as they stood after a given lap.</summary>
internal static class RealRaceStates
{
    private static readonly Lazy<IReadOnlyList<SeasonRace>> Season = new(() => [.. FastF1Season.Read(RepoPaths.FastF1Laps2021, new RejectionLog(), RepoPaths.History)]);

    /// <summary>The bundled 2021 season, every round, read once.</summary>
    public static IReadOnlyList<SeasonRace> Season2021 => Season.Value;

    /// <summary>2021 Abu Dhabi Grand Prix (round 22, 58 laps).</summary>
    public static RaceSnapshot AbuDhabi2021(int afterLap) => FromFastF1(22, afterLap);

    public static RaceSnapshot FromFastF1(int round, int afterLap)
    {
        var race = Season2021.Single(r => r.Round == round);
        return RaceSnapshotBuilder.AfterLap([.. race.Laps], [.. race.Stops], race.Race.ScheduledLaps, afterLap, CircuitModel.TypicalDry);
    }
}
