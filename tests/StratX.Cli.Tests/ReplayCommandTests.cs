using System.Text.Json;
using StratX.Tests;

namespace StratX.Cli.Tests;

/// <summary>stratx replay, run as a process on the bundled races.</summary>
public class ReplayCommandTests
{
    [Fact]
    public async Task Replaying_the_bundled_Bahrain_race_prints_only_the_classification_as_json_on_stdout()
    {
        var result = await Stratx.RunAsync("replay", "--file", RepoPaths.BahrainOpenF1, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = Classified(result.Stdout);
        Assert.Equal(20, rows.Count);
        Assert.Equal(Enumerable.Range(1, 20), rows.Select(r => r.Position));
        Assert.All(rows, r => Assert.Matches("^[A-Z]{3}$", r.Driver));
        Assert.Equal(("VER", 1, 57), (rows[0].Driver, rows[0].Number, rows[0].Laps));
        Assert.Equal(["VER", "PER", "ALO", "SAI", "HAM", "STR", "RUS", "BOT", "GAS", "ALB"], rows.Take(10).Select(r => r.Driver));
        Assert.NotEmpty(result.Stderr);
    }

    [Fact]
    public async Task Replaying_a_round_from_a_season_csv_classifies_that_race()
    {
        var result = await Stratx.RunAsync("replay", "--file", RepoPaths.FastF1Laps2021, "--round", "22", "--speed", "max", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = Classified(result.Stdout);
        Assert.Equal(("VER", 33, 58), (rows[0].Driver, rows[0].Number, rows[0].Laps));
        Assert.Equal(("HAM", 44, 58), (rows[1].Driver, rows[1].Number, rows[1].Laps));
        Assert.DoesNotContain(rows, r => r.Driver == "MAZ");
    }

    [Fact]
    public async Task Without_json_it_prints_a_table_with_the_race_name_and_fastest_lap()
    {
        var result = await Stratx.RunAsync("replay", "--file", RepoPaths.FastF1Laps2021, "--round", "22");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Abu Dhabi", result.Stdout);
        Assert.Contains("Fastest lap: VER 1:26.103 on lap 39", result.Stdout);
    }

    [Theory]
    [InlineData("a season CSV holds every round", "--file", "data/fastf1-laps/race_laps_2021.csv")]
    [InlineData("is neither a FastF1 lap CSV", "--file", "no/such/place")]
    [InlineData("speed", "--file", "data/openf1/2023-bahrain-race", "--speed", "fast")]
    [InlineData("--file", "--json")]
    public async Task Bad_arguments_exit_with_code_2_and_say_why_on_stderr(string expected, params string[] args)
    {
        var result = await Stratx.RunAsync(["replay", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr + result.Stdout, StringComparison.OrdinalIgnoreCase);
        if (args.Contains("--json"))
        {
            Assert.DoesNotContain("[", result.Stdout);
        }
    }

    private static List<Row> Classified(string stdout) =>
        JsonSerializer.Deserialize<List<Row>>(stdout, new JsonSerializerOptions(JsonSerializerDefaults.Web))
        ?? throw new InvalidOperationException("stdout is not a JSON array");

    private sealed record Row(int Position, string Driver, int? Number, int Laps, string Status);
}
