namespace StratX.Ingestion.History;

/// <summary>One past race as the hazard priors need it: where, how many laps the leader ran, and how often the race was neutralised.</summary>
/// <param name="Starts">Safety cars and VSCs deployed, and red flags shown with neither deployed on that lap or the one before.</param>
public sealed record RaceNeutralisations(int Season, string RaceName, string Circuit, int Laps, int Starts);

public static class RaceNeutralisationHistory
{
    /// <summary>
    /// The races of seasons <paramref name="firstSeason"/>–<paramref name="lastSeason"/> with their
    /// neutralisation counts, from races.csv, results.csv (laps run by the winner) and the three
    /// neutralisation tables. Malformed rows are an <see cref="InvalidDataException"/> naming file and line.
    /// </summary>
    public static IReadOnlyList<RaceNeutralisations> Read(string historyFolder, int firstSeason, int lastSeason)
    {
        var tables = HistoryTables.Load(historyFolder);
        var byRace = Neutralisations.ReadAll(historyFolder).ToLookup(n => n.Race, n => n.Row);
        var races = new List<RaceNeutralisations>();
        foreach (var race in tables.Races.Where(r => r.Season >= firstSeason && r.Season <= lastSeason).OrderBy(r => r.Season).ThenBy(r => r.Round))
        {
            var results = tables.ResultsOf(race.RaceId);
            if (results.Count == 0 || race.Circuit is null)
            {
                continue;
            }

            var rows = byRace[race.FullName].ToList();
            var deployed = rows.Where(r => r.Kind != NeutralisationKind.RedFlag).Select(r => r.DeployedLap).ToHashSet();
            var starts = rows.Count(r => r.Kind != NeutralisationKind.RedFlag)
                + rows.Count(r => r.Kind == NeutralisationKind.RedFlag && !deployed.Contains(r.DeployedLap) && !deployed.Contains(r.DeployedLap - 1));
            races.Add(new RaceNeutralisations(race.Season, race.FullName, race.Circuit, results.Max(r => r.Laps), starts));
        }

        return races;
    }
}
