using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StratX.Cli.Backtesting;
using StratX.Ingestion.Validation;
using StratX.Models;
using StratX.Models.NextLap;

namespace StratX.Cli.Commands;

/// <summary>
/// stratx train / stratx evaluate. Today the next-lap model; the other tasks of the model set are listed as
/// not yet available rather than faked.
/// </summary>
internal static class ModelCommands
{
    private static readonly string[] Tasks = [NextLapModel.Task];

    public static Command Train()
    {
        var data = new Option<string>("--data") { Description = "A folder of FastF1 race_laps_YYYY.csv files.", Required = true };
        var output = new Option<string>("--out") { Description = "Where versioned model files go.", DefaultValueFactory = _ => "models" };
        var seasons = new Option<string?>("--seasons") { Description = "Train only on these seasons, comma-separated (e.g. 2018,2019,2020,2021)." };
        var command = new Command("train", "Train the models on recorded laps and write the next version of each.") { data, output, seasons };
        command.SetAction(result => RunTrain(result.GetValue(data)!, result.GetValue(output)!, result.GetValue(seasons)));
        return command;
    }

    public static Command Evaluate()
    {
        var data = new Option<string>("--data") { Description = "A folder of FastF1 race_laps_YYYY.csv / sprint_laps_YYYY.csv files.", Required = true };
        var models = new Option<string>("--models") { Description = "The model folder.", DefaultValueFactory = _ => "models" };
        var json = new Option<bool>("--json") { Description = "One JSON object per line on stdout (progress on stderr)." };
        var command = new Command("evaluate", "Evaluate the latest models beside the naive baselines on every season file found.") { data, models, json };
        command.SetAction(result => RunEvaluate(result.GetValue(data)!, result.GetValue(models)!, result.GetValue(json)));
        return command;
    }

    private static int RunTrain(string data, string output, string? seasonsText)
    {
        if (!Directory.Exists(data))
        {
            Console.Error.WriteLine($"stratx train: there is no folder {data}.");
            return 2;
        }

        if (!SeasonFiles.TryParseList(seasonsText, int.Parse, out var seasons))
        {
            Console.Error.WriteLine("stratx train: --seasons takes years, comma-separated.");
            return 2;
        }

        var files = SeasonFiles.Find(data, seasons);
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"stratx train: no race_laps_YYYY.csv{(seasons.Count > 0 ? " of those seasons" : "")} in {data}.");
            return 2;
        }

        var rejections = new RejectionLog();
        var examples = Load(files, rejections);
        var trainedSeasons = examples.Keys.Order().ToList();

        // Honest numbers in the metadata: the last season is held out to validate, then the model is refitted on all.
        var metrics = new Dictionary<string, double>();
        if (trainedSeasons.Count > 1)
        {
            var held = trainedSeasons[^1];
            var validation = NextLapModel.Train(trainedSeasons.Where(s => s != held).SelectMany(s => examples[s]));
            foreach (var score in NextLapEvaluation.Evaluate(validation, examples[held]))
            {
                metrics[$"validation-{held}.{score.Model}.mae"] = Math.Round(score.Mae, 4);
                metrics[$"validation-{held}.n"] = score.N;
            }

            Console.Error.WriteLine($"validated on {held}: {string.Join(", ", metrics.Where(m => m.Key.EndsWith(".mae", StringComparison.Ordinal)).Select(m => $"{m.Key} {m.Value:0.000}"))}");
        }

        var model = NextLapModel.Train(trainedSeasons.SelectMany(s => examples[s]));
        var (version, folder) = ModelFiles.NextVersion(output, NextLapModel.Task);
        Directory.CreateDirectory(folder);
        model.Save(Path.Combine(folder, ModelFiles.ModelFile));
        ModelFiles.WriteMetadata(folder, new ModelMetadata
        {
            Task = NextLapModel.Task,
            Version = version,
            Trainer = "ML.NET FastTree regression: next lap minus the recent clean pace of the car",
            TrainedAt = DateTimeOffset.UtcNow,
            TrainedOn = [.. files.Select(TrainingFile.Of)],
            Seasons = trainedSeasons,
            Features = NextLapExample.FeatureColumns,
            Metrics = metrics,
        });
        Console.Error.WriteLine($"{rejections.Count} input rows rejected while reading.");
        Console.WriteLine($"{NextLapModel.Task} v{version} → {folder}");
        return 0;
    }

    private static int RunEvaluate(string data, string models, bool json)
    {
        if (!Directory.Exists(data))
        {
            Console.Error.WriteLine($"stratx evaluate: there is no folder {data}.");
            return 2;
        }

        var files = SeasonFiles.Find(data, [], "race_laps_*.csv").Concat(SeasonFiles.Find(data, [], "sprint_laps_*.csv").Where(f => !f.Contains("_raw_", StringComparison.Ordinal))).ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"stratx evaluate: no race_laps_YYYY.csv or sprint_laps_YYYY.csv in {data}.");
            return 2;
        }

        NextLapModel? model = null;
        ModelMetadata? metadata = null;
        if (ModelFiles.Latest(models, NextLapModel.Task) is { } folder)
        {
            try
            {
                metadata = ModelFiles.ReadMetadata(folder);
                model = NextLapModel.Load(Path.Combine(folder, ModelFiles.ModelFile));
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine($"stratx evaluate: {e.Message} The baselines are still scored.");
            }
        }
        else
        {
            Console.Error.WriteLine($"stratx evaluate: no {NextLapModel.Task} model under {models}; scoring the baselines only.");
        }

        var rejections = new RejectionLog();
        foreach (var file in files)
        {
            var kind = Path.GetFileName(file).StartsWith("sprint", StringComparison.Ordinal) ? "sprint" : "race";
            var season = StratX.Ingestion.FastF1.FastF1Recording.SeasonOf(file)!.Value;
            var examples = Load([file], rejections).Values.SelectMany(e => e).ToList();
            var seen = metadata?.Seasons.Contains(season) == true && kind == "race";
            foreach (var score in NextLapEvaluation.Evaluate(model, examples))
            {
                Print(json, new { task = NextLapModel.Task, season, kind, trainedOn = seen, model = score.Model, metric = "mae", value = Math.Round(score.Mae, 4), n = score.N, version = score.Model == NextLapEvaluation.FastTree ? metadata?.Version : null });
                Print(json, new { task = NextLapModel.Task, season, kind, trainedOn = seen, model = score.Model, metric = "rmse", value = Math.Round(score.Rmse, 4), n = score.N, version = score.Model == NextLapEvaluation.FastTree ? metadata?.Version : null });
            }
        }

        Console.Error.WriteLine($"tasks evaluated: {string.Join(", ", Tasks)}; pit-next-lap, overtake-3, sc-hazard and degradation are not trained yet.");
        return 0;
    }

    private static void Print(bool json, object row)
    {
        var text = JsonSerializer.Serialize(row);
        if (json)
        {
            Console.WriteLine(text);
            return;
        }

        var element = JsonDocument.Parse(text).RootElement;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{element.GetProperty("task").GetString(),-9} {element.GetProperty("season").GetInt32()} {element.GetProperty("kind").GetString(),-6} {element.GetProperty("model").GetString(),-13} {element.GetProperty("metric").GetString(),-5} {element.GetProperty("value").GetDouble(),8:0.000}  n={element.GetProperty("n").GetInt32()}{(element.GetProperty("trainedOn").GetBoolean() ? "  (trained on this season)" : "")}"));
    }

    /// <summary>Next-lap examples per season, read through the ingestion parsers.</summary>
    private static Dictionary<int, List<NextLapExample>> Load(IEnumerable<string> files, RejectionLog rejections)
    {
        var bySeason = new Dictionary<int, List<NextLapExample>>();
        foreach (var file in files)
        {
            foreach (var race in RecordedRace.ReadSeason(file, rejections, m => Console.Error.WriteLine($"reading {m}")))
            {
                if (!bySeason.TryGetValue(race.Season, out var list))
                {
                    list = [];
                    bySeason[race.Season] = list;
                }

                list.AddRange(NextLapDataset.FromRace(race.Laps, race.TotalLaps));
            }
        }

        return bySeason;
    }
}
