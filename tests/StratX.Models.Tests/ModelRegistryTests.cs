using System.Text.Json.Nodes;
using StratX.Domain.Predictions;
using StratX.Models.Live;
using StratX.Models.NextLap;
using StratX.Models.PitNextLap;
using StratX.Models.Scoring;
using StratX.Tests;

namespace StratX.Models.Tests;

/// <summary>
/// The registry the server scores with: newest loadable version at start, rollout and rollback while running,
/// and rules (flagged) when a model is missing or corrupt. Uses copies of the committed model files.
/// </summary>
public sealed class ModelRegistryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("stratx-models-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Loads_the_newest_version_that_loads_and_says_why_a_newer_one_did_not()
    {
        CopyVersion(NextLapModel.Task, 1);
        CopyVersion(NextLapModel.Task, 2);
        Corrupt(NextLapModel.Task, 3);

        var registry = Registry();

        Assert.Equal(2, registry.Current(NextLapModel.Task)?.Version);
        var status = registry.Status().Single(s => s.Task == NextLapModel.Task);
        Assert.Equal([1, 2, 3], status.Versions);
        Assert.Contains("v3 does not load", status.Problem);
    }

    [Fact]
    public void The_active_file_names_the_start_version_and_a_bad_one_falls_back_to_the_newest()
    {
        CopyVersion(NextLapModel.Task, 1);
        CopyVersion(NextLapModel.Task, 2);
        File.WriteAllText(Path.Combine(_root, NextLapModel.Task, ModelRegistry.StartFile), "1\n");
        Assert.Equal(1, Registry().Current(NextLapModel.Task)?.Version);

        File.WriteAllText(Path.Combine(_root, NextLapModel.Task, ModelRegistry.StartFile), "the good one");
        var registry = Registry();
        Assert.Equal(2, registry.Current(NextLapModel.Task)?.Version);
        Assert.Contains("should hold a version number, not 'the good one'", registry.Status().Single(s => s.Task == NextLapModel.Task).Problem);

        File.WriteAllText(Path.Combine(_root, NextLapModel.Task, ModelRegistry.StartFile), "9");
        registry = Registry();
        Assert.Equal(2, registry.Current(NextLapModel.Task)?.Version);
        Assert.Contains("no version 9", registry.Status().Single(s => s.Task == NextLapModel.Task).Problem);
    }

    [Fact]
    public void Rollout_and_rollback_swap_the_active_version_without_a_restart()
    {
        CopyVersion(NextLapModel.Task, 1);
        CopyVersion(NextLapModel.Task, 2);
        var registry = Registry();
        var changes = new List<(string, int?)>();
        registry.Changed += (task, loaded) => changes.Add((task, loaded?.Version));

        Assert.Equal(1, registry.Rollout(NextLapModel.Task, 1).Version);
        Assert.Equal(1, registry.Current(NextLapModel.Task)?.Version);
        Assert.Equal(2, registry.Rollback(NextLapModel.Task).Version);
        Assert.Equal(2, registry.Current(NextLapModel.Task)?.Version);
        Assert.Equal([(NextLapModel.Task, 1), (NextLapModel.Task, 2)], changes);

        var nothingToGoBackTo = Assert.Throws<ModelVersionException>(() => registry.Rollback(NextLapModel.Task));
        Assert.Contains("no earlier version", nothingToGoBackTo.Message);
    }

    [Fact]
    public void A_version_that_does_not_load_changes_nothing()
    {
        CopyVersion(NextLapModel.Task, 1);
        Corrupt(NextLapModel.Task, 2);
        var registry = Registry();
        var before = registry.Current(NextLapModel.Task);

        var corrupt = Assert.Throws<ModelVersionException>(() => registry.Rollout(NextLapModel.Task, 2));
        var missing = Assert.Throws<ModelVersionException>(() => registry.Rollout(NextLapModel.Task, 7));
        var unknown = Assert.Throws<ModelVersionException>(() => registry.Rollout("lap-chart", 1));

        Assert.Contains("not a readable next-lap model", corrupt.Message);
        Assert.Contains("no version 7", missing.Message);
        Assert.Contains("no model task lap-chart", unknown.Message);
        Assert.Same(before, registry.Current(NextLapModel.Task));
    }

    [Fact]
    public void A_folder_whose_metadata_names_another_version_is_refused()
    {
        CopyVersion(NextLapModel.Task, 1);
        var folder = Path.Combine(_root, NextLapModel.Task, "v4");
        CopyDirectory(Path.Combine(RepoPaths.Root, "models", NextLapModel.Task, "v1"), folder);

        var registry = Registry();

        Assert.Equal(1, registry.Current(NextLapModel.Task)?.Version);
        Assert.Contains("holds next-lap v1, not next-lap v4", registry.Status().Single(s => s.Task == NextLapModel.Task).Problem);
    }

    [Fact]
    public void Live_scores_equal_the_offline_model_and_carry_the_version()
    {
        CopyVersion(NextLapModel.Task, 1);
        var registry = Registry();
        var predictor = new LivePredictor(registry);
        var (laps, totalLaps) = Season2021.All[7];
        var race = RaceLaps.Of(laps.Where(l => l.LapNumber <= 30), totalLaps);
        var offline = NextLapModel.Load(Path.Combine(_root, NextLapModel.Task, "v1", ModelFiles.ModelFile));

        var compared = 0;
        foreach (var car in race.Cars)
        {
            var live = predictor.ScoreField(race, car, [.. laps.Where(l => l.LapNumber <= 30)])!;
            Assert.Equal(PredictionSource.Model, live.NextLap!.Origin.Source);
            Assert.Equal(1, live.NextLap.Origin.Version);
            Assert.Equal(offline.Predict([NextLapDataset.ForLatest(race, car)!])[0], live.NextLap.Seconds, 0.001);
            Assert.InRange(live.NextLap.Seconds, 60, 200);
            compared++;
        }

        Assert.True(compared >= 15, $"only {compared} cars compared");
    }

    [Fact]
    public void Missing_and_corrupt_models_fall_back_to_flagged_rules()
    {
        Corrupt(PitModel.Task, 1);
        var registry = Registry();
        var predictor = new LivePredictor(registry);
        var (laps, totalLaps) = Season2021.All[7];
        var race = RaceLaps.Of(laps.Where(l => l.LapNumber <= 20), totalLaps);

        var scored = race.Cars.Select(car => predictor.ScoreField(race, car, [.. laps.Where(l => l.LapNumber <= 30)])!).ToList();

        Assert.All(scored, p =>
        {
            Assert.Equal(PredictionSource.Rule, p.NextLap!.Origin.Source);
            Assert.Contains("no next-lap model is loaded", p.NextLap.Origin.Note);
            Assert.Equal(PredictionSource.Rule, p.PitNextLap!.Origin.Source);
            Assert.InRange(p.PitNextLap.Probability, 0, 1);
            Assert.InRange(p.NextLap.Seconds, 60, 200);
        });
        Assert.Contains("does not load", registry.Status().Single(s => s.Task == PitModel.Task).Problem);
    }

    [Fact]
    public void Pit_priors_shipped_with_the_model_give_the_rates_they_were_built_with()
    {
        var priors = new PitPriors();
        foreach (var (round, (laps, totalLaps)) in Season2021.All.Where(r => r.Key <= 10))
        {
            priors.Add($"circuit {round % 4}", totalLaps, laps);
        }

        var path = Path.Combine(_root, PitPriors.FileName);
        priors.Save(path);
        var loaded = PitPriors.Load(path);

        foreach (var circuit in new[] { "circuit 1", "circuit 3", "never raced here" })
        {
            foreach (var lap in new[] { 1, 12, 25, 40 })
            {
                Assert.Equal(priors.RateNear(circuit, lap, 57), loaded.RateNear(circuit, lap, 57));
                Assert.Equal(priors.RateNear(circuit, lap, 57, allCircuits: true), loaded.RateNear(circuit, lap, 57, allCircuits: true));
            }
        }

        Assert.True(loaded.RateNear("circuit 1", 20, 57) > 0);
    }

    [Theory]
    [InlineData("{\"Stops\": {}, \"CarRaces\": {}}")]
    [InlineData("{\"Stops\": {\"x\": [[0.5]]}, \"CarRaces\": {}, \"AllStops\": [], \"AllCarRaces\": 1}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("")]
    public void A_malformed_priors_file_is_a_clear_error(string text)
    {
        var path = Path.Combine(_root, PitPriors.FileName);
        File.WriteAllText(path, text);

        var error = Assert.Throws<InvalidDataException>(() => PitPriors.Load(path));

        Assert.Contains(path, error.Message);
    }

    private ModelRegistry Registry()
    {
        var registry = new ModelRegistry(_root, LivePredictor.Loaders);
        registry.LoadLatest();
        return registry;
    }

    /// <summary>The committed v1 of a task as version <paramref name="version"/> (metadata renumbered).</summary>
    private void CopyVersion(string task, int version)
    {
        var folder = Path.Combine(_root, task, $"v{version}");
        CopyDirectory(Path.Combine(RepoPaths.Root, "models", task, "v1"), folder);
        var metadataPath = Path.Combine(folder, ModelFiles.MetadataFile);
        var metadata = JsonNode.Parse(File.ReadAllText(metadataPath))!;
        metadata["version"] = version;
        File.WriteAllText(metadataPath, metadata.ToJsonString());
    }

    /// <summary>A version whose metadata is fine but whose model file is not a model.</summary>
    private void Corrupt(string task, int version)
    {
        CopyVersion(task, version);
        File.WriteAllText(Path.Combine(_root, task, $"v{version}", ModelFiles.ModelFile), "this is not a zip file");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
