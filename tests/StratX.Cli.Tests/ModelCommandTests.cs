using System.Text.Json;
using StratX.Tests;

namespace StratX.Cli.Tests;

/// <summary>stratx train and stratx evaluate, run as processes on the bundled 2021 season.</summary>
public sealed class ModelCommandTests : IDisposable
{
    private readonly string _models = Path.Combine(Path.GetTempPath(), $"stratx-cli-models-{Guid.NewGuid():N}");

    private static string Data => Path.GetDirectoryName(RepoPaths.FastF1Laps2021)!;

    [Fact]
    public async Task Train_writes_a_versioned_model_that_evaluate_scores_beside_the_baselines()
    {
        // The first twelve rounds of the bundled 2021 season (with the history tables beside them): a real subset
        // small enough to train twice in a test run that shares the machine with the cluster tests.
        var data = Path.Combine(_models, "data", "fastf1-laps");
        Directory.CreateDirectory(data);
        CopyHistory(Path.Combine(_models, "data", "history"));
        var lines = await File.ReadAllLinesAsync(RepoPaths.FastF1Laps2021, TestContext.Current.CancellationToken);
        var round = Array.IndexOf(lines[0].Split(','), "RoundNumber");
        await File.WriteAllLinesAsync(
            Path.Combine(data, "race_laps_2021.csv"),
            lines.Take(1).Concat(lines.Skip(1).Where(l => int.Parse(l.Split(',')[round], System.Globalization.CultureInfo.InvariantCulture) <= 12)),
            TestContext.Current.CancellationToken);
        var trained = await Stratx.RunAsync("train", "--data", data, "--out", _models);
        Assert.True(trained.ExitCode == 0, trained.Stderr);
        var folder = Path.Combine(_models, "next-lap", "v1");
        Assert.True(File.Exists(Path.Combine(folder, "model.zip")));
        using (var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "metadata.json"), TestContext.Current.CancellationToken)))
        {
            Assert.Equal(1, metadata.RootElement.GetProperty("version").GetInt32());
            Assert.Equal("race_laps_2021.csv", metadata.RootElement.GetProperty("trainedOn")[0].GetProperty("name").GetString());
            Assert.Equal(64, metadata.RootElement.GetProperty("trainedOn")[0].GetProperty("sha256").GetString()!.Length);
        }

        var again = await Stratx.RunAsync("train", "--data", data, "--out", _models);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.True(Directory.Exists(Path.Combine(_models, "next-lap", "v2")), "a second training run writes the next version");

        var evaluated = await Stratx.RunAsync("evaluate", "--data", data, "--models", _models, "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Stderr);
        var rows = evaluated.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var mae = rows.Where(r => r.GetProperty("task").GetString() == "next-lap" && r.GetProperty("metric").GetString() == "mae").ToDictionary(r => r.GetProperty("model").GetString()!, r => r.GetProperty("value").GetDouble());
        Assert.Equal(["fasttree", "naive-hybrid", "naive-last"], mae.Keys.Order());
        Assert.True(mae["fasttree"] < mae["naive-hybrid"], $"fasttree {mae["fasttree"]} vs naive-hybrid {mae["naive-hybrid"]} (in-sample)");
        Assert.Equal(["anomaly", "degradation", "next-lap", "overtake-1", "overtake-2", "overtake-3", "pit-loss", "pit-next-lap", "sc-hazard"], rows.Select(r => r.GetProperty("task").GetString()).Distinct().Order());
        var brier = rows.Where(r => r.GetProperty("task").GetString() == "sc-hazard" && r.GetProperty("metric").GetString() == "brier").ToDictionary(r => r.GetProperty("model").GetString()!, r => r.GetProperty("value").GetDouble());
        Assert.Equal(["constant", "logistic"], brier.Keys.Order());
        var degradation = rows.Where(r => r.GetProperty("task").GetString() == "degradation" && r.GetProperty("metric").GetString() == "mae").ToDictionary(r => r.GetProperty("model").GetString()!, r => r.GetProperty("value").GetDouble());
        Assert.True(degradation["wear-curve"] < degradation["no-change"], $"degradation MAE {degradation["wear-curve"]} vs no-change {degradation["no-change"]} (in-sample)");
        foreach (var task in new[] { "sc-hazard", "degradation", "pit-loss" })
        {
            Assert.True(File.Exists(Path.Combine(_models, task, "v2", "metadata.json")), $"{task} v2");
        }

        Assert.True(File.Exists(Path.Combine(_models, "sc-hazard", "v1", "circuit-priors.json")));
        Assert.True(File.Exists(Path.Combine(_models, "pit-loss", "v1", "pit-loss.json")));
        Assert.Contains(rows, r => r.GetProperty("model").GetString() == "fasttree" && r.GetProperty("version").GetInt32() == 2);
        var auc = rows.Where(r => r.GetProperty("task").GetString() == "pit-next-lap" && r.GetProperty("metric").GetString() == "auc").ToDictionary(r => r.GetProperty("model").GetString()!, r => r.GetProperty("value").GetDouble());
        Assert.True(auc["fasttree"] > auc["tyre-age"], $"pit AUC fasttree {auc["fasttree"]} vs tyre-age {auc["tyre-age"]} (in-sample)");
        Assert.True(File.Exists(Path.Combine(_models, "pit-next-lap", "v2", "model.zip")));

        var overtake = rows.Where(r => r.GetProperty("task").GetString() == "overtake-3").ToList();
        Assert.Equal(["auc", "brier", "logloss", "pr_auc"], overtake.Where(r => r.GetProperty("model").GetString() == "fasttree").Select(r => r.GetProperty("metric").GetString()).Order());
        var overtakeAuc = overtake.Where(r => r.GetProperty("metric").GetString() == "auc").ToDictionary(r => r.GetProperty("model").GetString()!, r => r.GetProperty("value").GetDouble());
        Assert.True(overtakeAuc["fasttree"] > overtakeAuc["gap-only"], $"overtake-3 AUC fasttree {overtakeAuc["fasttree"]} vs gap-only {overtakeAuc["gap-only"]} (in-sample)");
        Assert.True(File.Exists(Path.Combine(_models, "overtake", "v2", "model.zip")));
    }

    [Fact]
    public async Task Evaluate_without_a_model_scores_the_baselines_and_says_why()
    {
        var evaluated = await Stratx.RunAsync("evaluate", "--data", Data, "--models", _models, "--json");

        Assert.Equal(0, evaluated.ExitCode);
        Assert.Contains("no next-lap model", evaluated.Stderr);
        Assert.DoesNotContain("fasttree", evaluated.Stdout);
        Assert.Contains("naive-hybrid", evaluated.Stdout);
    }

    [Fact]
    public async Task Training_from_a_folder_without_lap_files_exits_with_code_2()
    {
        Directory.CreateDirectory(_models);

        var result = await Stratx.RunAsync("train", "--data", _models, "--out", _models);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no race_laps_YYYY.csv", result.Stderr);
    }

    [Fact]
    public async Task A_malformed_history_table_stops_training_with_the_file_and_line()
    {
        // The bundled season and history, with one real safety_cars.csv row's Deployed lap made unreadable.
        var data = Path.Combine(_models, "data");
        Directory.CreateDirectory(Path.Combine(data, "fastf1-laps"));
        Directory.CreateDirectory(Path.Combine(data, "history"));
        File.Copy(RepoPaths.FastF1Laps2021, Path.Combine(data, "fastf1-laps", "race_laps_2021.csv"));
        CopyHistory(Path.Combine(data, "history"));

        var path = Path.Combine(data, "history", "safety_cars.csv");
        var lines = await File.ReadAllLinesAsync(path, TestContext.Current.CancellationToken);
        var fields = lines[3].Split(',');
        fields[2] = "three";
        lines[3] = string.Join(',', fields);
        await File.WriteAllLinesAsync(path, lines, TestContext.Current.CancellationToken);

        var result = await Stratx.RunAsync("train", "--data", Path.Combine(data, "fastf1-laps"), "--out", Path.Combine(_models, "out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("safety_cars.csv line 4: Deployed 'three' is not a lap", result.Stderr);
    }

    private static void CopyHistory(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(RepoPaths.History, "*.csv"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_models))
        {
            Directory.Delete(_models, recursive: true);
        }
    }
}
