using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StratX.Cli.Backtesting;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.Validation;
using StratX.Simulation;

namespace StratX.Cli.Commands;

/// <summary>
/// stratx backtest: rebuilds every race of the season lap files in a folder at fractions of its distance,
/// simulates the rest and scores the predicted finishing positions against the real finish, beside the
/// order-holds baseline.
/// </summary>
internal static class BacktestCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "A folder of FastF1 race_laps_YYYY.csv files.", Required = true };
        var at = new Option<string>("--at") { Description = "Race fractions to start from, comma-separated.", DefaultValueFactory = _ => "0.3,0.5,0.7" };
        var runs = new Option<int>("--runs") { Description = "Simulated races per start state.", DefaultValueFactory = _ => 1000 };
        var seasons = new Option<string?>("--seasons") { Description = "Only these seasons, comma-separated (e.g. 2021,2022)." };
        var rounds = new Option<string?>("--rounds") { Description = "Only these rounds, comma-separated." };
        var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 1UL };
        var paceUncertainty = new Option<double?>("--pace-uncertainty") { Description = "Override the simulator's per-run pace uncertainty (s/lap)." };
        var fitCircuits = new Option<bool>("--fit-circuits") { Description = "Fit each circuit's neutralisation rates, pit loss and tyre wear on the seasons before the one scored." };
        var liveWear = new Option<double?>("--live-wear") { Description = "Also score montecarlo-live-wear: the wear of each dry compound updated from the race's stints up to the cut, with this prior weight in stints (the planner's is 32)." };
        var json = new Option<bool>("--json") { Description = "One JSON object per metric per line on stdout (progress on stderr)." };
        var command = new Command("backtest", "Score race simulations from real mid-race states against the real finish.") { data, at, runs, seasons, rounds, seed, paceUncertainty, fitCircuits, liveWear, json };
        command.SetAction(result => Run(
            result.GetValue(data)!,
            result.GetValue(at)!,
            result.GetValue(runs),
            result.GetValue(seasons),
            result.GetValue(rounds),
            result.GetValue(seed),
            result.GetValue(paceUncertainty),
            result.GetValue(fitCircuits),
            result.GetValue(liveWear),
            result.GetValue(json)));
        command.Subcommands.Add(LiveWear());
        return command;
    }

    /// <summary>
    /// stratx backtest live-wear: how well the planner's live wear update (<see cref="Simulation.LiveWear"/>)
    /// predicts the wear of the stints still to run, beside the historical rates alone, for several prior weights.
    /// </summary>
    private static Command LiveWear()
    {
        var data = new Option<string>("--data") { Description = "A folder of FastF1 race_laps_YYYY.csv files: the scored seasons and every season before them.", Required = true };
        var seasons = new Option<string?>("--seasons") { Description = "Seasons to score, comma-separated (default: the latest in the folder); circuits are fitted on every earlier season found." };
        var at = new Option<string>("--at") { Description = "Race fractions to cut each race at, comma-separated.", DefaultValueFactory = _ => "0.33,0.5,0.67" };
        var priors = new Option<string>("--priors") { Description = "Prior weights of the historical rate to try, in stints, comma-separated.", DefaultValueFactory = _ => "0,2,8,16,32,64" };
        var minimumLaps = new Option<int>("--min-laps") { Description = "Clean laps a live stint needs to count (the stints scored after the cut always need the fitters' minimum).", DefaultValueFactory = _ => StintWear.MinimumCleanLaps };
        var json = new Option<bool>("--json") { Description = "One JSON object per metric per line on stdout (progress on stderr)." };
        var command = new Command("live-wear", "Score the live tyre-wear update against the wear of the stints run after each cut, beside history alone.") { data, seasons, at, priors, minimumLaps, json };
        command.SetAction(result => RunLiveWear(
            result.GetValue(data)!,
            result.GetValue(seasons),
            result.GetValue(at)!,
            result.GetValue(priors)!,
            result.GetValue(minimumLaps),
            result.GetValue(json)));
        return command;
    }

    private static int RunLiveWear(string data, string? seasonsText, string atText, string priorsText, int minimumLaps, bool json)
    {
        if (!SeasonFiles.TryParseList(atText, double.Parse, out var fractions) || fractions.Count == 0 || fractions.Any(f => f is <= 0 or >= 1))
        {
            Console.Error.WriteLine($"stratx backtest live-wear: --at takes fractions between 0 and 1, comma-separated (got '{atText}').");
            return 2;
        }

        if (!SeasonFiles.TryParseList(priorsText, double.Parse, out var priors) || priors.Any(p => p < 0 || !double.IsFinite(p)))
        {
            Console.Error.WriteLine($"stratx backtest live-wear: --priors takes weights of 0 or more, comma-separated (got '{priorsText}').");
            return 2;
        }

        if (minimumLaps < 3)
        {
            Console.Error.WriteLine("stratx backtest live-wear: --min-laps must be at least 3.");
            return 2;
        }

        if (!SeasonFiles.TryResolve("backtest live-wear", data, seasonsText, out var scoredFiles, out _))
        {
            return 2;
        }

        var scored = scoredFiles.Select(f => FastF1Recording.SeasonOf(f)!.Value).ToList();
        if (string.IsNullOrWhiteSpace(seasonsText))
        {
            scored = [scored.Max()];
        }

        var rejections = new RejectionLog();
        var races = new List<RecordedRace>();
        foreach (var file in SeasonFiles.Find(data, []).Where(f => FastF1Recording.SeasonOf(f) <= scored.Max()))
        {
            races.AddRange(RecordedRace.ReadSeason(file, rejections, m => Console.Error.WriteLine($"reading {m}")));
        }

        if (rejections.Count > 0)
        {
            Console.Error.WriteLine($"{rejections.Count} input rows rejected; e.g. {rejections.Recent(1).FirstOrDefault()}");
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        var metrics = new LiveWearBacktest(priors, minimumLaps).Run(races, scored, fractions, m => Console.Error.WriteLine(m));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scored in {started.Elapsed.TotalSeconds:0.0} s (reading the files not included)"));
        foreach (var metric in metrics)
        {
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    at = metric.At,
                    history = metric.History,
                    variant = metric.Variant,
                    compound = metric.Compound,
                    targets = metric.Targets,
                    mae = Math.Round(metric.Mae, 4),
                    bias = Math.Round(metric.Bias, 4),
                    n = metric.N,
                }));
            }
            else if (metric.Compound == "all")
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"at {(metric.At is { } a ? a.ToString("0.0#", CultureInfo.InvariantCulture) : "all"),-4} {metric.History,-8} {metric.Targets,-8} {metric.Variant,-10} MAE {metric.Mae:0.0000}  bias {metric.Bias,7:0.0000}  n={metric.N}"));
            }
        }

        return 0;
    }

    private static int Run(string data, string atText, int runs, string? seasonsText, string? roundsText, ulong seed, double? paceUncertainty, bool fitCircuits, double? liveWear, bool json)
    {
        if (liveWear is < 0 or double.NaN or double.PositiveInfinity)
        {
            Console.Error.WriteLine($"stratx backtest: --live-wear takes a prior weight of 0 or more stints (got {liveWear}).");
            return 2;
        }

        if (!SeasonFiles.TryParseList(atText, double.Parse, out var fractions) || fractions.Any(f => f is <= 0 or >= 1))
        {
            Console.Error.WriteLine($"stratx backtest: --at takes fractions between 0 and 1, comma-separated (got '{atText}').");
            return 2;
        }

        if (!SeasonFiles.TryParseList(roundsText, int.Parse, out var rounds))
        {
            Console.Error.WriteLine("stratx backtest: --rounds takes whole numbers, comma-separated.");
            return 2;
        }

        if (runs < 10)
        {
            Console.Error.WriteLine("stratx backtest: --runs must be at least 10.");
            return 2;
        }

        if (!SeasonFiles.TryResolve("backtest", data, seasonsText, out var files, out _))
        {
            return 2;
        }

        var rejections = new RejectionLog();
        var races = new List<RecordedRace>();
        foreach (var file in files)
        {
            races.AddRange(RecordedRace.ReadSeason(file, rejections, m => Console.Error.WriteLine($"reading {m}")).Where(r => rounds.Count == 0 || rounds.Contains(r.Round)));
        }

        if (rejections.Count > 0)
        {
            Console.Error.WriteLine($"{rejections.Count} input rows rejected; e.g. {rejections.Recent(1).FirstOrDefault()}");
        }

        var circuit = paceUncertainty is { } u ? CircuitModel.TypicalDry with { PaceUncertainty = u } : CircuitModel.TypicalDry;
        var metrics = new Backtester(circuit, runs, seed, fitCircuits, liveWear).Run(races, fractions, m => Console.Error.WriteLine(m));
        foreach (var metric in metrics)
        {
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    at = metric.At,
                    season = metric.Season,
                    model = metric.Model,
                    metric = metric.Metric,
                    value = Math.Round(metric.Value, 4),
                    n = metric.N,
                }));
            }
            else if (metric.Season is null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"at {metric.At:0.0#}  {metric.Model,-12} {metric.Metric,-20} {metric.Value,8:0.0000}  n={metric.N}"));
            }
        }

        return 0;
    }
}
