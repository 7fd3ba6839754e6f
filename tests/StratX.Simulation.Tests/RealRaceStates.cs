using StratX.Domain.Laps;
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

    /// <summary>The 2022 season from the shared data (../shared/data, not shipped); the test is skipped when it is absent.</summary>
    public static IReadOnlyList<SeasonRace> Season2022
    {
        get
        {
            Assert.SkipUnless(File.Exists(Laps2022), $"{Laps2022} is absent: the 2022 season is read from the shared data beside the repository (../shared/data).");
            return Shared2022.Value;
        }
    }

    private static string Laps2022 => Path.Combine(RepoPaths.SharedData, "fastf1-laps", "race_laps_2022.csv");

    private static readonly Lazy<IReadOnlyList<SeasonRace>> Shared2022 = new(() => [.. FastF1Season.Read(Laps2022, new RejectionLog(), RepoPaths.History)]);

    /// <summary>Every car's laps of a race as its car grain keeps them (the recording's stint numbers).</summary>
    public static List<CarHistory> Histories(SeasonRace race) =>
        [.. race.Laps
            .GroupBy(l => l.Car)
            .Select(g => new CarHistory(g.Key.Value, [.. g.OrderBy(l => l.LapNumber).Select(l => LapRecord.From(l, l.Stint ?? 1))], 0))];

    public static RaceSnapshot FromFastF1(int round, int afterLap)
    {
        var race = Season2021.Single(r => r.Round == round);
        return RaceSnapshotBuilder.AfterLap([.. race.Laps], [.. race.Stops], race.Race.ScheduledLaps, afterLap, CircuitModel.TypicalDry);
    }
}
