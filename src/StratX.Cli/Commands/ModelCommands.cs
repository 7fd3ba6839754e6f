using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StratX.Cli.Backtesting;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.History;
using StratX.Ingestion.Validation;
using StratX.Models;
using StratX.Models.NextLap;
using StratX.Models.Overtake;
using StratX.Models.PitNextLap;

namespace StratX.Cli.Commands;

/// <summary>
/// stratx train / stratx evaluate for the trained models: next-lap and pit-next-lap here; overtake,
/// sc-hazard, degradation, pit-loss and anomaly in their own task files.
/// </summary>
internal static class ModelCommands
{

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
        if (!SeasonFiles.TryResolve("train", data, seasonsText, out var files, out _))
        {
            return 2;
        }

        var rejections = new RejectionLog();
        var sets = Load(files, [], rejections, out var priors);
        var trained = sets.Select(s => s.Season).Order().ToList();
        var trainedOn = files.Select(TrainingFile.Of).ToList();

        // Every input is read before the first model is fitted: a bad history row stops the command in seconds, not after minutes of training.
        HazardTask.History? history;
        try
        {
            history = HazardTask.ReadHistory(HistoryLocator.FindFor(data), sets);
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"stratx train: {e.Message}");
            return 2;
        }

        // Honest numbers in the metadata: the last season is held out to validate, then each model is refitted on all.
        var held = trained.Count > 1 ? trained[^1] : (int?)null;
        var nextLapMetrics = new Dictionary<string, double>();
        var pitMetrics = new Dictionary<string, double>();
        var overtakeMetrics = new Dictionary<string, double>();
        if (held is { } h)
        {
            var before = sets.Where(s => s.Season != h).ToList();
            var validation = sets.Where(s => s.Season == h).ToList();
            foreach (var score in NextLapEvaluation.Evaluate(NextLapModel.Train(before.SelectMany(s => s.NextLap)), validation.SelectMany(s => s.NextLap)))
            {
                nextLapMetrics[$"validation-{h}.{score.Model}.mae"] = Math.Round(score.Mae, 4);
                nextLapMetrics[$"validation-{h}.n"] = score.N;
            }

            foreach (var score in PitModel.Evaluate(PitModel.Train(before.SelectMany(s => s.Pit)), [.. validation.SelectMany(s => s.Pit)]))
            {
                pitMetrics[$"validation-{h}.{score.Model}.auc"] = Math.Round(score.Auc, 4);
                pitMetrics[$"validation-{h}.n"] = score.N;
            }

            overtakeMetrics = OvertakeTask.Validate(before.SelectMany(s => s.Overtake), [.. validation.SelectMany(s => s.Overtake)], h);
            Console.Error.WriteLine($"validated on {h}: {string.Join(", ", nextLapMetrics.Concat(pitMetrics).Concat(overtakeMetrics).Where(m => !m.Key.EndsWith(".n", StringComparison.Ordinal)).Select(m => $"{m.Key} {m.Value:0.000}"))}");
        }

        Write(output, NextLapModel.Task, "ML.NET FastTree regression: next lap minus the recent clean pace of the car", NextLapExample.FeatureColumns, nextLapMetrics, trained, trainedOn,
            path => NextLapModel.Train(sets.SelectMany(s => s.NextLap)).Save(path));
        Write(output, PitModel.Task, "ML.NET LightGBM binary classification (boosted trees): pit at the end of the next lap", PitExample.BoostedColumns, pitMetrics, trained, trainedOn,
            path =>
            {
                PitModel.Train(sets.SelectMany(s => s.Pit)).Save(path);

                // The circuit stop priors of the training seasons go with the model: the server scores without history files.
                priors.Save(Path.Combine(Path.GetDirectoryName(path)!, PitPriors.FileName));
            });
        OvertakeTask.Train(output, overtakeMetrics, trained, trainedOn, sets.SelectMany(s => s.Overtake));
        try
        {
            HazardTask.Train(output, sets, history, trainedOn);
            DegradationTask.Train(output, sets, trainedOn);
            PitLossTask.Train(output, sets, trainedOn);
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"stratx train: {e.Message}");
            return 2;
        }

        Console.Error.WriteLine($"{rejections.Count} input rows rejected while reading.");
        return 0;
    }

    /// <summary>Writes the next version of a task: <paramref name="save"/> gets the path of its model file, metadata.json goes beside it.</summary>
    internal static void Write(string output, string task, string trainer, IReadOnlyList<string> features, Dictionary<string, double> metrics, List<int> seasons, List<TrainingFile> files, Action<string> save, string modelFile = ModelFiles.ModelFile)
    {
        var (version, folder) = ModelFiles.NextVersion(output, task);
        Directory.CreateDirectory(folder);
        save(Path.Combine(folder, modelFile));
        ModelFiles.WriteMetadata(folder, new ModelMetadata
        {
            Task = task,
            Version = version,
            Trainer = trainer,
            TrainedAt = DateTimeOffset.UtcNow,
            TrainedOn = files,
            Seasons = seasons,
            Features = features,
            Metrics = metrics,
        });
        Console.WriteLine($"{task} v{version} → {folder}");
    }

    private static int RunEvaluate(string data, string models, bool json)
    {
        if (!Directory.Exists(data))
        {
            Console.Error.WriteLine($"stratx evaluate: there is no folder {data}.");
            return 2;
        }

        var races = SeasonFiles.Find(data, [], "race_laps_*.csv");
        var sprints = SeasonFiles.Find(data, [], "sprint_laps_*.csv");
        if (races.Count + sprints.Count == 0)
        {
            Console.Error.WriteLine($"stratx evaluate: no race_laps_YYYY.csv or sprint_laps_YYYY.csv in {data}.");
            return 2;
        }

        var nextLap = LoadLatest(models, NextLapModel.Task, NextLapModel.Load);
        var pit = LoadLatest(models, PitModel.Task, PitModel.Load);
        var overtake = LoadLatest(models, OvertakeModel.Task, OvertakeModel.Load);
        var rejections = new RejectionLog();
        var sets = Load(races, sprints, rejections);
        foreach (var set in sets)
        {
            var seenBy = (ModelMetadata? m) => m?.Seasons.Contains(set.Season) == true && set.Kind == "race";
            foreach (var score in NextLapEvaluation.Evaluate(nextLap.Model, set.NextLap))
            {
                var version = score.Model == NextLapEvaluation.FastTree ? nextLap.Metadata?.Version : null;
                Print(json, new { task = NextLapModel.Task, season = set.Season, kind = set.Kind, trainedOn = seenBy(nextLap.Metadata), model = score.Model, metric = "mae", value = Math.Round(score.Mae, 4), n = score.N, version });
                Print(json, new { task = NextLapModel.Task, season = set.Season, kind = set.Kind, trainedOn = seenBy(nextLap.Metadata), model = score.Model, metric = "rmse", value = Math.Round(score.Rmse, 4), n = score.N, version });
            }

            foreach (var score in PitModel.Evaluate(pit.Model, set.Pit))
            {
                var version = score.Model == "fasttree" ? pit.Metadata?.Version : null;
                var metrics = new List<(string, double?)> { ("auc", score.Auc), ("pr_auc", score.PrAuc), ("brier", score.Brier), ("logloss", score.LogLoss) };
                foreach (var (metric, value) in metrics.Where(m => m.Item2 is { } v && double.IsFinite(v)))
                {
                    Print(json, new { task = PitModel.Task, season = set.Season, kind = set.Kind, trainedOn = seenBy(pit.Metadata), model = score.Model, metric, value = Math.Round(value!.Value, 4), n = score.N, positives = score.Positives, version });
                }
            }

            OvertakeTask.Evaluate(json, overtake.Model, overtake.Metadata, set.Season, set.Kind, seenBy(overtake.Metadata), set.Overtake);
        }

        HazardTask.Evaluate(models, sets, row => Print(json, row));
        DegradationTask.Evaluate(models, sets, row => Print(json, row));
        PitLossTask.Evaluate(models, sets, row => Print(json, row));
        AnomalyTask.Evaluate(sets, row => Print(json, row));
        Console.Error.WriteLine($"tasks evaluated: {NextLapModel.Task}, {PitModel.Task}, {OvertakeModel.TaskFor(1)}–{OvertakeModel.TaskFor(OvertakeDataset.MaxHorizon)}, {HazardTask.Task}, {DegradationTask.Task}, {PitLossTask.Task}, {AnomalyTask.Task}.");
        return 0;
    }

    internal static (T? Model, ModelMetadata? Metadata) LoadLatest<T>(string root, string task, Func<string, T> load, string modelFile = ModelFiles.ModelFile)
        where T : class
    {
        if (ModelFiles.Latest(root, task, modelFile) is not { } folder)
        {
            Console.Error.WriteLine($"stratx evaluate: no {task} model under {root}; scoring its baselines only.");
            return (null, null);
        }

        try
        {
            return (load(Path.Combine(folder, modelFile)), ModelFiles.ReadMetadata(folder));
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"stratx evaluate: {e.Message} Its baselines are still scored.");
            return (null, null);
        }
    }

    internal static void Print(bool json, object row)
    {
        var text = JsonSerializer.Serialize(row);
        if (json)
        {
            Console.WriteLine(text);
            return;
        }

        var e = JsonDocument.Parse(text).RootElement;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.GetProperty("task").GetString(),-12} {e.GetProperty("season").GetInt32()} {e.GetProperty("kind").GetString(),-6} {e.GetProperty("model").GetString(),-13} {e.GetProperty("metric").GetString(),-7} {e.GetProperty("value").GetDouble(),8:0.000}  n={e.GetProperty("n").GetInt32()}{(e.GetProperty("trainedOn").GetBoolean() ? "  (trained on this season)" : "")}"));
    }

    /// <summary>One season file's examples and races; <see cref="IsRace"/> is false for sprints.</summary>
    internal sealed record SeasonSet(int Season, string Kind, List<NextLapExample> NextLap, List<PitExample> Pit, List<OvertakeExample> Overtake, List<RecordedRace> Races)
    {
        public bool IsRace => Kind == "race";
    }

    /// <summary>
    /// Examples per season file, read through the ingestion parsers. Pit examples carry circuit stop priors
    /// built from race seasons before their own only (races are read in season order to build them).
    /// </summary>
    private static List<SeasonSet> Load(IReadOnlyList<string> races, IReadOnlyList<string> sprints, RejectionLog rejections) =>
        Load(races, sprints, rejections, out _);

    /// <param name="priors">The stop priors of all race seasons read.</param>
    private static List<SeasonSet> Load(IReadOnlyList<string> races, IReadOnlyList<string> sprints, RejectionLog rejections, out PitPriors priors)
    {
        priors = new PitPriors();
        var sets = new List<SeasonSet>();
        var sprintsBySeason = sprints.GroupBy(f => FastF1Recording.SeasonOf(f)!.Value).ToDictionary(g => g.Key, g => g.ToList());
        var seasons = races.Select(f => FastF1Recording.SeasonOf(f)!.Value).Concat(sprintsBySeason.Keys).Distinct().Order();
        foreach (var season in seasons)
        {
            var finished = new List<RecordedRace>();
            foreach (var (file, kind) in races.Where(f => FastF1Recording.SeasonOf(f) == season).Select(f => (f, "race"))
                .Concat(sprintsBySeason.GetValueOrDefault(season, []).Select(f => (f, "sprint"))))
            {
                var set = new SeasonSet(season, kind, [], [], [], []);
                foreach (var race in RecordedRace.ReadSeason(file, rejections, m => Console.Error.WriteLine($"reading {m}")))
                {
                    set.NextLap.AddRange(NextLapDataset.FromRace(race.Laps, race.TotalLaps));
                    set.Pit.AddRange(PitDataset.FromRace(race.Laps, race.TotalLaps, race.Circuit, priors, race.Teams));
                    set.Overtake.AddRange(OvertakeDataset.FromRace(race.Laps, race.TotalLaps));
                    set.Races.Add(race);
                    if (kind == "race")
                    {
                        finished.Add(race);
                    }
                }

                sets.Add(set);
            }

            foreach (var race in finished)
            {
                priors.Add(race.Circuit, race.TotalLaps, race.Laps);
            }
        }

        return sets;
    }
}
