using System.Text.Json;
using StratX.Domain.Identity;
using StratX.Models.Live;
using StratX.Models.Overtake;

namespace StratX.Models.Tests;

/// <summary>The overtake model on the bundled 2021 season: labels on a real pass, causal features, the live path, training.</summary>
public class OvertakeTests
{
    private static readonly Lazy<OvertakeModel> Trained = new(() => OvertakeModel.Train(Rounds(1, 12), trees: 100));

    [Fact]
    public void Bottas_passing_Leclerc_after_the_virtual_safety_car_in_Bahrain_2021_is_labelled_a_pass()
    {
        // 2021 round 1, end of lap 5 (VSC ending): Leclerc (16) P3, Bottas (77) P4 0.440 s behind
        // (00:47:40.880 and 00:47:41.320 in race_laps_2021.csv); Bottas is P3 and Leclerc P4 at the end of
        // laps 6, 7 and 8. Norris (4), P5 behind Bottas, stays behind him.
        var (laps, total) = Season2021.All[1];
        var examples = OvertakeDataset.FromRace(laps, total).Where(e => e.Lap == 5).ToList();

        var bottas = examples.Where(e => e.Car == "77").OrderBy(e => e.Horizon).ToList();
        Assert.Equal([1f, 2f, 3f], bottas.Select(e => e.Horizon));
        Assert.All(bottas, e => Assert.Equal("16", e.Ahead));
        Assert.All(bottas, e => Assert.True(e.Label));
        Assert.Equal(0.440, bottas[0].Interval, 3);
        Assert.Equal(1, bottas[0].InDrsRange);
        Assert.Equal(4, bottas[0].Position);

        var norris = examples.Where(e => e.Car == "4").ToList();
        Assert.Equal(3, norris.Count);
        Assert.All(norris, e => Assert.Equal("77", e.Ahead));
        Assert.All(norris, e => Assert.False(e.Label));
    }

    [Fact]
    public void No_example_is_labelled_across_a_pit_stop_of_either_car()
    {
        var (laps, total) = Season2021.All[1];
        var race = RaceLaps.Of(laps, total);

        foreach (var e in OvertakeDataset.FromRace(laps, total))
        {
            for (var lap = e.Lap + 1; lap <= e.Lap + e.Horizon; lap++)
            {
                foreach (var car in new[] { e.Car, e.Ahead })
                {
                    var run = race.LapOf(new CarId(car), lap);
                    Assert.NotNull(run);
                    Assert.False(run.PitIn || run.PitOut, $"car {car} lap {lap} in the example of lap {e.Lap} + {e.Horizon}");
                }
            }
        }
    }

    [Fact]
    public void Examples_whose_outcome_is_known_by_a_lap_do_not_change_when_the_race_is_cut_there()
    {
        var (laps, total) = Season2021.All[14];
        const int cut = 30;

        var full = OvertakeDataset.FromRace(laps, total).Where(e => e.Lap + e.Horizon <= cut).Select(Describe).ToList();
        var truncated = OvertakeDataset.FromRace([.. laps.Where(l => l.LapNumber <= cut)], total).ToList();

        Assert.DoesNotContain(truncated, e => e.Lap + e.Horizon > cut);
        Assert.True(full.Count > 500);
        Assert.Equal(full, truncated.Select(Describe));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(10, 37)]
    public void The_latest_lap_of_a_race_fed_lap_by_lap_has_the_training_features_of_that_lap(int round, int cut)
    {
        var (laps, total) = Season2021.All[round];
        var live = new RaceLaps(total);
        foreach (var lap in laps.Where(l => l.LapNumber <= cut).OrderBy(l => l.OccurredAt))
        {
            live.Add(lap);
        }

        var training = OvertakeDataset.FromRace(laps, total).Where(e => e.Lap == cut && e.Horizon == 1).ToDictionary(e => e.Car);
        Assert.True(training.Count >= 10);
        foreach (var car in live.Cars)
        {
            var latest = OvertakeDataset.ForLatest(live, car, horizon: 1);
            if (live.Latest(car)!.Position == 1)
            {
                Assert.Null(latest);
            }

            if (training.TryGetValue(car.Value, out var expected))
            {
                Assert.Equal(Features(expected), Features(latest!));
                Assert.Equal(expected.Ahead, latest!.Ahead);
            }
        }
    }

    [Fact]
    public void Trained_on_twelve_rounds_it_ranks_the_passes_of_the_last_ten_better_than_the_gap_alone()
    {
        var held = Rounds(13, 22);
        var scores = OvertakeModel.Evaluate(Trained.Value, held);

        Assert.Equal([1, 2, 3], scores.Select(s => s.Horizon).Distinct());
        foreach (var horizon in new[] { 1, 2, 3 })
        {
            var model = scores.Single(s => s.Horizon == horizon && s.Scores.Model == OvertakeModel.FastTree).Scores;
            var gap = scores.Single(s => s.Horizon == horizon && s.Scores.Model == OvertakeModel.GapOnly).Scores;
            Assert.True(model.Positives > 100, $"{model.Positives} passes at horizon {horizon}");
            Assert.True(model.Auc > gap.Auc, $"horizon {horizon}: fasttree AUC {model.Auc:0.000}, gap-only {gap.Auc:0.000}");
            Assert.True(model.Brier < (double)model.Positives / model.N, $"horizon {horizon}: Brier {model.Brier:0.0000} is no better than the base rate");
        }

        Assert.All(Trained.Value.Predict(held), p => Assert.InRange(p, 0, 1));
    }

    [Fact]
    public void A_saved_model_loads_and_predicts_the_same()
    {
        var path = Path.Combine(Path.GetTempPath(), $"stratx-overtake-{Guid.NewGuid():N}.zip");
        try
        {
            Trained.Value.Save(path);
            var examples = Rounds(22, 22).Take(300).ToList();

            Assert.Equal(Trained.Value.Predict(examples), OvertakeModel.Load(path).Predict(examples));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<OvertakeExample> Rounds(int first, int last) =>
        [.. Season2021.All.Where(r => r.Key >= first && r.Key <= last).OrderBy(r => r.Key).SelectMany(r => OvertakeDataset.FromRace(r.Value.Laps, r.Value.TotalLaps))];

    private static string Features(OvertakeExample e) =>
        JsonSerializer.Serialize(OvertakeExample.FeatureColumns.Select(c => typeof(OvertakeExample).GetProperty(c)!.GetValue(e)));

    private static string Describe(OvertakeExample e) => $"{e.Car} {e.Ahead} {e.Lap} {e.Label} {Features(e)}";
}
