using System.Text.Json;
using StratX.Models.PitNextLap;
using StratX.Models.Scoring;
using StratX.Tests;

namespace StratX.Models.Tests;

/// <summary>The pit-next-lap model and binary scores on the bundled 2021 season.</summary>
public class PitTests
{
    [Fact]
    public void Pit_features_at_a_lap_do_not_change_when_the_rest_of_the_race_is_removed()
    {
        var (laps, total) = Season2021.All[14];
        var teams = Season2021.Teams[14];
        const int cut = 25;

        var full = PitDataset.FromRace(laps, total, teams: teams).Where(e => e.RaceFraction <= (float)(cut - 1) / total).ToList();
        var truncated = PitDataset.FromRace([.. laps.Where(l => l.LapNumber <= cut)], total, teams: teams).ToList();

        Assert.Equal(truncated.Count, full.Count);
        Assert.Equal(truncated.Select(Features), full.Select(Features));
        Assert.Contains(full, e => e.TeamMatePittedThisLap == 1);
    }

    [Fact]
    public void Team_mate_features_follow_the_team_mates_stop_and_need_the_entry_list()
    {
        var (laps, total) = Season2021.All[14];
        var teams = Season2021.Teams[14];
        var race = StratX.Models.Live.RaceLaps.Of(laps, total, teams: teams);

        // A car whose team-mate came in at the end of a lap the car itself stayed out on, and the lap after.
        var (car, mate, lap) = (from c in race.Cars
                                let m = race.TeamMateOf(c)
                                where m is not null
                                from l in race.LapsOf(m.Value)
                                where l.PitIn && race.LapOf(c, l.LapNumber) is { PitIn: false } && race.LapOf(c, l.LapNumber + 1) is { PitIn: false }
                                select (c, m.Value, l.LapNumber)).First();
        Assert.Equal(car, race.TeamMateOf(mate));
        Assert.Equal(teams[car], teams[mate]);

        var cutAt = (int n) => StratX.Models.Live.RaceLaps.Of(laps.Where(l => l.LapNumber <= n), total, teams: teams);
        var atStop = PitDataset.ForLatest(cutAt(lap), car, null)!;
        var lapAfter = PitDataset.ForLatest(cutAt(lap + 1), car, null)!;
        Assert.Equal(1, atStop.TeamMatePittedThisLap);
        Assert.Equal(0, atStop.TeamMateLapsSinceStop);
        Assert.Equal(0, lapAfter.TeamMatePittedThisLap);
        Assert.Equal(1, lapAfter.TeamMateLapsSinceStop);

        var withoutTeams = PitDataset.ForLatest(StratX.Models.Live.RaceLaps.Of(laps.Where(l => l.LapNumber <= lap), total), car, null)!;
        Assert.Equal((0f, 10f, 0f, 99f), (withoutTeams.TeamMatePittedThisLap, withoutTeams.TeamMateLapsSinceStop, withoutTeams.TeamMateStopsMore, withoutTeams.TeamMateGap));
    }

    [Fact]
    public void Trained_on_fifteen_rounds_it_ranks_the_stops_of_the_last_seven_better_than_tyre_age()
    {
        var priors = new PitPriors();
        var model = PitModel.Train(Rounds(1, 15, priors));
        var scores = PitModel.Evaluate(model, Rounds(16, 22, priors)).ToDictionary(s => s.Model);

        Assert.True(scores["fasttree"].Positives > 100);
        Assert.True(scores["fasttree"].Auc > scores["tyre-age"].Auc + 0.05, $"fasttree AUC {scores["fasttree"].Auc:0.000}, tyre-age {scores["tyre-age"].Auc:0.000}");
        Assert.InRange(scores["fasttree"].Brier!.Value, 0, 0.1);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void A_committed_LightGBM_version_loads_its_trees_and_scores_one_lap_as_the_batch_does(int version)
    {
        var folder = Path.Combine(RepoPaths.Root, "models", PitModel.Task, $"v{version}");
        var scorer = PitScorer.Load(folder);
        var batch = PitModel.Load(Path.Combine(folder, "model.zip"));
        var (laps, total) = Season2021.All[14];
        var examples = PitDataset.FromRace(laps, total, "Autodromo Nazionale di Monza", scorer.Priors).ToList();

        var probabilities = batch.Predict(examples);
        Assert.All(probabilities, p => Assert.InRange(p, 0, 1));
        Assert.True(probabilities.Distinct().Count() > 100);
        for (var i = 0; i < examples.Count; i += 37)
        {
            Assert.Equal(probabilities[i], scorer.Predict(examples[i]), 6);
        }
    }

    [Fact]
    public void Circuit_priors_come_only_from_races_added_before()
    {
        var priors = new PitPriors();
        Assert.Equal(-1, priors.RateNear("Monza", 20, 53));

        var (laps, total) = Season2021.All[14];
        priors.Add("Autodromo Nazionale di Monza", total, laps);

        Assert.True(priors.RateNear("Autodromo Nazionale di Monza", 22, total) > 0);
        Assert.Equal(priors.RateNear("Autodromo Nazionale di Monza", 22, total), priors.RateNear("Somewhere Else", 22, total));
    }

    [Fact]
    public void Auc_and_average_precision_match_hand_worked_cases()
    {
        bool[] labels = [true, false, true, false];

        Assert.Equal(1.0, BinaryScores.Of("perfect", [0.9, 0.1, 0.8, 0.2], labels, probabilities: true).Auc);
        Assert.Equal(0.0, BinaryScores.Of("reversed", [0.1, 0.9, 0.2, 0.8], labels, probabilities: true).Auc);
        Assert.Equal(0.5, BinaryScores.Of("ties", [0.5, 0.5, 0.5, 0.5], labels, probabilities: true).Auc);
        var mixed = BinaryScores.Of("mixed", [0.9, 0.8, 0.3, 0.1], labels, probabilities: true);
        Assert.Equal(0.75, mixed.Auc);
        Assert.Equal((1.0 + (2.0 / 3)) / 2, mixed.PrAuc, 12);
        Assert.Equal(((0.1 * 0.1) + (0.8 * 0.8) + (0.7 * 0.7) + (0.1 * 0.1)) / 4, mixed.Brier!.Value, 12);
    }

    private static List<PitExample> Rounds(int first, int last, PitPriors priors)
    {
        var examples = new List<PitExample>();
        foreach (var (round, (laps, total)) in Season2021.All.Where(r => r.Key >= first && r.Key <= last).OrderBy(r => r.Key))
        {
            examples.AddRange(PitDataset.FromRace(laps, total, $"round-{round}", priors));
            priors.Add($"round-{round}", total, laps);
        }

        return examples;
    }

    private static string Features(PitExample e) =>
        JsonSerializer.Serialize(PitExample.FeatureColumns.Concat(PitExample.CandidateColumns).Distinct().Select(c => typeof(PitExample).GetProperty(c)!.GetValue(e)));
}
