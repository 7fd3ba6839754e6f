using System.Text.Json;
using StratX.Tests;

namespace StratX.Cli.Tests;

/// <summary>stratx anomalies, run as a process on the bundled Bahrain 2023 recording with its car data.</summary>
public class AnomalyCommandTests
{
    [Fact]
    public async Task It_lists_each_flagged_lap_once_with_its_signals_and_flags_piastris_failing_car()
    {
        var result = await Stratx.RunAsync("anomalies", "--recording", RepoPaths.BahrainOpenF1, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var flags = lines.SkipLast(1).ToList();
        var totals = lines[^1];
        Assert.Equal("2023 Bahrain Grand Prix", totals.GetProperty("race").GetString());
        var laps = totals.GetProperty("laps").GetInt32();
        Assert.InRange(laps, 1000, 1200);
        // Every lap is judged at its crossing, and again when its own telemetry completes.
        Assert.InRange(totals.GetProperty("judgements").GetInt32(), laps + 1, 2 * laps);
        Assert.Equal(flags.Count, totals.GetProperty("flagged").GetInt32());
        Assert.Equal(flags.Count, flags.Select(f => (f.GetProperty("car").GetString(), f.GetProperty("lap").GetInt32())).Distinct().Count());
        // A strategist reads each alert: a few in a race, not one in twenty laps.
        Assert.InRange(flags.Count, 1, laps / 20);
        Assert.All(flags, f => Assert.True(f.GetProperty("score").GetDouble() >= 5, f.ToString()));
        Assert.All(flags, f => Assert.NotEqual("None", f.GetProperty("signals").GetString()));

        // Piastri's car lost power on lap 13 and retired on the next: slower by seconds, less throttle, slower on the straight.
        var piastri = Assert.Single(flags, f => f.GetProperty("car").GetString() == "81" && f.GetProperty("lap").GetInt32() == 13);
        Assert.True(piastri.GetProperty("secondsOff").GetDouble() > 10, piastri.ToString());
        Assert.Equal("LapTime, SpeedTrap, Throttle, TopSpeed", piastri.GetProperty("signals").GetString());
        var bySignal = totals.GetProperty("bySignal");
        Assert.Equal(flags.Count(f => f.GetProperty("signals").GetString()!.Contains("LapTime", StringComparison.Ordinal)), bySignal.GetProperty("LapTime").GetInt32());
    }

    [Fact]
    public async Task A_folder_that_is_not_a_recording_is_refused_with_the_reason()
    {
        var folder = Directory.CreateTempSubdirectory("stratx-anomalies-").FullName;
        try
        {
            var result = await Stratx.RunAsync("anomalies", "--recording", folder);

            Assert.Equal(2, result.ExitCode);
            Assert.StartsWith("stratx anomalies: ", result.Stderr.Trim(), StringComparison.Ordinal);
            Assert.Empty(result.Stdout.Trim());
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
