using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using StratX.Cli.Backtesting;
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
        var json = new Option<bool>("--json") { Description = "One JSON object per metric per line on stdout (progress on stderr)." };
        var command = new Command("backtest", "Score race simulations from real mid-race states against the real finish.") { data, at, runs, seasons, rounds, seed, paceUncertainty, fitCircuits, json };
        command.SetAction(result => Run(
            result.GetValue(data)!,
            result.GetValue(at)!,
            result.GetValue(runs),
            result.GetValue(seasons),
            result.GetValue(rounds),
            result.GetValue(seed),
            result.GetValue(paceUncertainty),
            result.GetValue(fitCircuits),
            result.GetValue(json)));
        return command;
    }

    private static int Run(string data, string atText, int runs, string? seasonsText, string? roundsText, ulong seed, double? paceUncertainty, bool fitCircuits, bool json)
    {
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
        var metrics = new Backtester(circuit, runs, seed, fitCircuits).Run(races, fractions, m => Console.Error.WriteLine(m));
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
