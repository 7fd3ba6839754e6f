using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Laps;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.Validation;
using StratX.Models.Live;
using StratX.Simulation;

namespace StratX.Cli.Backtesting;

/// <summary>One real race for a backtest: its laps and stops, each car's team from the entry list, and the order the cars finished in on track.</summary>
internal sealed record RecordedRace(int Season, int Round, string Name, string? Circuit, int TotalLaps, IReadOnlyList<LapCompleted> Laps, IReadOnlyList<PitStop> Stops, IReadOnlyList<TrackStatusChanged> Statuses, IReadOnlyDictionary<CarId, string>? Teams = null)
{
    /// <summary>Final order on track: most laps first, then who completed them first (1-based positions).</summary>
    public IReadOnlyDictionary<string, int> FinishingPositions { get; } = Laps
        .GroupBy(l => l.Car)
        .Select(g => g.MaxBy(l => l.LapNumber)!)
        .OrderByDescending(l => l.LapNumber).ThenBy(l => l.OccurredAt)
        .Select((l, i) => (l.Car.Value, Position: i + 1))
        .ToDictionary(x => x.Value, x => x.Position, StringComparer.Ordinal);

    /// <summary>Laps the winner completed (fewer than scheduled when a race was stopped early).</summary>
    public int LeaderLaps { get; } = Laps.Count == 0 ? 0 : Laps.Max(l => l.LapNumber);

    /// <summary>The lap a fraction of the distance starts from.</summary>
    public int LapAt(double fraction) => Math.Clamp((int)Math.Round(fraction * TotalLaps), 1, TotalLaps - 1);

    /// <summary>A race shorter than this was stopped early (2021 Belgium: three laps behind the safety car) and has no strategy to backtest.</summary>
    public const int MinimumLaps = 20;

    /// <summary>Whether the race ran long enough and went on after that lap (there is a state there to start from).</summary>
    public bool RanPast(double fraction) => LeaderLaps >= MinimumLaps && LeaderLaps > LapAt(fraction);

    public RaceSnapshot StateAt(double fraction, CircuitModel circuit) =>
        RaceSnapshotBuilder.AfterLap(Laps, Stops, TotalLaps, LapAt(fraction), circuit);

    /// <summary>Each car's laps with their stint numbers, as a live car grain holds them (laps without a stint left out), up to <paramref name="lastLap"/>.</summary>
    public IReadOnlyList<CarHistory> HistoriesTo(int lastLap) => [.. Laps
        .Where(l => l.Stint is not null && l.LapNumber <= lastLap)
        .GroupBy(l => l.Car)
        .Select(g => new CarHistory(g.Key.Value, [.. g.OrderBy(l => l.LapNumber).Select(l => LapRecord.From(l, l.Stint!.Value))], 0))];

    /// <summary>Every round of every season file, read with the ingestion parsers (rejected rows are left out and counted).</summary>
    public static IEnumerable<RecordedRace> ReadSeason(string csvPath, RejectionLog rejections, Action<string>? progress = null)
    {
        var season = FastF1Recording.SeasonOf(csvPath) ?? throw new InvalidDataException($"{Path.GetFileName(csvPath)}: the season is not in the file name.");
        foreach (var race in FastF1Season.Read(csvPath, rejections))
        {
            progress?.Invoke($"{season} round {race.Round}: {race.EventName}");
            var laps = race.Laps.ToList();
            if (laps.Count > 0)
            {
                yield return new RecordedRace(season, race.Round, race.EventName, race.Race.Circuit, race.Race.ScheduledLaps, laps, [.. race.Stops], [.. race.TrackStatusChanges], RaceLaps.TeamsOf(race.Race.Entries));
            }
        }
    }
}
