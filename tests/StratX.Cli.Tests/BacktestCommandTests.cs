using System.Text.Json;
using StratX.Tests;

namespace StratX.Cli.Tests;

/// <summary>stratx backtest, run as a process on the bundled 2021 season.</summary>
public class BacktestCommandTests
{
    private static readonly string[] Metrics = ["logloss", "brier", "top3_logloss", "top3_brier", "median_position_mae"];

    [Fact]
    public async Task It_scores_the_simulator_and_the_baseline_at_each_fraction_as_json_lines()
    {
        var result = await Stratx.RunAsync("backtest", "--data", Path.GetDirectoryName(RepoPaths.FastF1Laps2021)!, "--rounds", "21,22", "--at", "0.4,0.8", "--runs", "200", "--live-wear", "32", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var pooled = lines.Where(l => l.GetProperty("season").ValueKind == JsonValueKind.Null).ToList();
        foreach (var at in new[] { 0.4, 0.8 })
        {
            foreach (var model in new[] { "montecarlo", "montecarlo-live-wear", "order-holds" })
            {
                var rows = pooled.Where(l => l.GetProperty("at").GetDouble() == at && l.GetProperty("model").GetString() == model).ToList();
                Assert.Equal(Metrics, rows.Select(r => r.GetProperty("metric").GetString()));
                Assert.All(rows, r => Assert.True(double.IsFinite(r.GetProperty("value").GetDouble()) && r.GetProperty("value").GetDouble() >= 0));
                Assert.All(rows, r => Assert.InRange(r.GetProperty("n").GetInt32(), 30, 40));
            }
        }

        Assert.Contains(lines, l => l.GetProperty("season").ValueKind == JsonValueKind.Number && l.GetProperty("season").GetInt32() == 2021);
        Assert.Contains("2021: simulator pace uncertainty", result.Stderr);
    }

    [Fact]
    public async Task The_live_wear_backtest_scores_history_and_each_prior_weight_on_the_same_later_stints()
    {
        // The bundled folder holds 2021 only: with no earlier season the "fitted" history is the typical model.
        var result = await Stratx.RunAsync("backtest", "live-wear", "--data", Path.GetDirectoryName(RepoPaths.FastF1Laps2021)!, "--at", "0.5", "--priors", "0,32", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var cells = rows.GroupBy(r => (At: r.GetProperty("at").ToString(), History: r.GetProperty("history").GetString(), Compound: r.GetProperty("compound").GetString(), Targets: r.GetProperty("targets").GetString())).ToList();
        Assert.Contains(cells, c => c.Key == ("0.5", "fitted", "all", "all"));
        Assert.Contains(cells, c => c.Key == ("", "typical", "hard", "updated"));
        foreach (var cell in cells)
        {
            Assert.Equal(["history", "oracle", "live-w0", "live-w32"], cell.Select(r => r.GetProperty("variant").GetString()));
            Assert.Single(cell.Select(r => r.GetProperty("n").GetInt32()).Distinct());
            Assert.All(cell, r => Assert.True(r.GetProperty("mae").GetDouble() is >= 0 and < 0.5, r.ToString()));
        }

        var all = cells.Single(c => c.Key == ("0.5", "typical", "all", "all")).ToList();
        Assert.InRange(all[0].GetProperty("n").GetInt32(), 200, 1000);
        Assert.Contains("2021: circuits fitted on 0 races of no earlier season", result.Stderr);
    }

    [Theory]
    [InlineData("--priors takes weights of 0 or more", "--priors", "-1")]
    [InlineData("--at takes fractions between 0 and 1", "--at", "0")]
    [InlineData("--min-laps must be at least 3", "--min-laps", "2")]
    public async Task Bad_live_wear_arguments_exit_with_code_2_and_say_why(string expected, string option, string value)
    {
        var result = await Stratx.RunAsync("backtest", "live-wear", "--data", Path.GetDirectoryName(RepoPaths.FastF1Laps2021)!, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("fractions between 0 and 1", "--at", "0.5,1.5")]
    [InlineData("there is no folder", "--data", "no/such/folder")]
    [InlineData("no race_laps_YYYY.csv", "--seasons", "1999")]
    [InlineData("--live-wear takes a prior weight of 0 or more", "--live-wear", "-1")]
    public async Task Bad_arguments_exit_with_code_2_and_say_why(string expected, string option, string value)
    {
        string[] args = option == "--data"
            ? ["backtest", option, value]
            : ["backtest", "--data", Path.GetDirectoryName(RepoPaths.FastF1Laps2021)!, option, value];

        var result = await Stratx.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.Empty(result.Stdout);
    }
}
