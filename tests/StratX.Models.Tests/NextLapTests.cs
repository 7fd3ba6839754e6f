using System.Text.Json;
using StratX.Models.NextLap;

namespace StratX.Models.Tests;

/// <summary>The next-lap model on the bundled 2021 season: causal features, training, baselines, files.</summary>
public class NextLapTests
{
    private static readonly Lazy<NextLapModel> Trained = new(() => NextLapModel.Train(Rounds(1, 15), trees: 150));

    [Fact]
    public void Features_at_a_lap_do_not_change_when_the_rest_of_the_race_is_removed()
    {
        var (laps, total) = Season2021.All[22];
        const int cut = 30;

        var full = NextLapDataset.FromRace(laps, total).ToList();
        var truncated = NextLapDataset.FromRace([.. laps.Where(l => l.LapNumber <= cut)], total).ToList();

        // Same cars, same order of laps: every example built from laps up to the cut has the same features.
        var fullUpToCut = full.Where((e, i) => e.RaceFraction <= (float)cut / total).ToList();
        Assert.Equal(truncated.Count, fullUpToCut.Count);
        for (var i = 0; i < truncated.Count; i++)
        {
            Assert.Equal(Features(fullUpToCut[i]), Features(truncated[i]));
        }

        // What does depend on the future is only the label side.
        Assert.Contains(full, e => e.RaceFraction == (float)cut / total && e.NextLapTime is not null);
        Assert.All(truncated.Where(e => e.RaceFraction == (float)cut / total), e => Assert.Null(e.NextLapTime));
    }

    [Fact]
    public void Trained_on_fifteen_rounds_it_beats_both_naive_rules_on_the_last_seven()
    {
        var scores = NextLapEvaluation.Evaluate(Trained.Value, Rounds(16, 22)).ToDictionary(s => s.Model);

        Assert.True(scores[NextLapEvaluation.FastTree].N > 5_000);
        Assert.True(scores[NextLapEvaluation.FastTree].Mae < scores[NextLapEvaluation.NaiveHybrid].Mae, Describe(scores));
        Assert.True(scores[NextLapEvaluation.NaiveHybrid].Mae < scores[NextLapEvaluation.NaiveLast].Mae, Describe(scores));
    }

    [Fact]
    public void A_saved_model_loads_and_predicts_the_same()
    {
        var path = Path.Combine(Path.GetTempPath(), $"stratx-next-lap-{Guid.NewGuid():N}.zip");
        try
        {
            Trained.Value.Save(path);
            var loaded = NextLapModel.Load(path);
            var examples = Rounds(22, 22).Where(e => e.NextLapTime is not null).Take(200).ToList();

            Assert.Equal(Trained.Value.Predict(examples), loaded.Predict(examples));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_or_corrupt_model_file_is_a_clear_error()
    {
        var missing = Assert.Throws<InvalidDataException>(() => NextLapModel.Load("/no/such/model.zip"));
        Assert.Contains("There is no next-lap model", missing.Message);

        var path = Path.Combine(Path.GetTempPath(), $"stratx-corrupt-{Guid.NewGuid():N}.zip");
        try
        {
            Trained.Value.Save(path);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

            var corrupt = Assert.Throws<InvalidDataException>(() => NextLapModel.Load(path));
            Assert.Contains("is not a readable next-lap model", corrupt.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Too_little_data_to_train_on_is_refused_with_the_reason()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NextLapModel.Train(Rounds(1, 1).Take(50)));
        Assert.Contains("needs at least 100", error.Message);
    }

    private static List<NextLapExample> Rounds(int first, int last) =>
        [.. Season2021.All.Where(r => r.Key >= first && r.Key <= last).SelectMany(r => NextLapDataset.FromRace(r.Value.Laps, r.Value.TotalLaps))];

    private static string Features(NextLapExample e) =>
        JsonSerializer.Serialize(NextLapExample.FeatureColumns.Select(c => typeof(NextLapExample).GetProperty(c)!.GetValue(e)).Append(e.Reference));

    private static string Describe(Dictionary<string, ErrorScores> scores) =>
        string.Join(", ", scores.Values.Select(s => $"{s.Model} {s.Mae:0.000}"));
}
