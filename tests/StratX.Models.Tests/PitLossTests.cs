using StratX.Models.PitLoss;

namespace StratX.Models.Tests;

/// <summary>The pit-loss table fitted on the bundled 2021 season.</summary>
public sealed class PitLossTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), $"stratx-pit-loss-{Guid.NewGuid():N}");

    private static readonly Lazy<List<PitLossSample>> Samples = new(() =>
        [.. Season2021.Rounds.Values.SelectMany(r => PitLossTable.SamplesFromRace(r.Race.Circuit, [.. r.Laps]))]);

    [Fact]
    public void Green_losses_are_real_pit_lane_times_and_neutralised_stops_cost_less()
    {
        var table = PitLossTable.Fit(Samples.Value);

        foreach (var (circuit, byStatus) in table.Circuits.Where(c => c.Value.TryGetValue(PitStatus.Green, out var g) && g.Stops >= 5))
        {
            Assert.InRange(byStatus[PitStatus.Green].Seconds, 15, 35);
        }

        Assert.True(table.Circuits.Count >= 18);
        Assert.True(table.AllCircuits[PitStatus.SafetyCar].Seconds < table.AllCircuits[PitStatus.Green].Seconds);
        Assert.True(table.AllCircuits[PitStatus.VirtualSafetyCar].Seconds < table.AllCircuits[PitStatus.Green].Seconds);
        Assert.True(table.Lookup("Autodromo Nazionale di Monza", PitStatus.SafetyCar) < table.Lookup("Autodromo Nazionale di Monza", PitStatus.Green));
        Assert.Equal(table.AllCircuits[PitStatus.Green].Seconds, table.Lookup("A circuit never raced", PitStatus.Green));
        Assert.Equal(table.AllCircuits[PitStatus.SafetyCar].Seconds, table.Lookup(null, PitStatus.SafetyCar));
    }

    [Fact]
    public void A_circuit_s_own_losses_predict_its_next_race_better_than_one_constant()
    {
        // The Red Bull Ring held two rounds in 2021: fit on rounds 1–8 (Styrian GP the last), score the Austrian GP's green stops.
        var byRound = Season2021.Rounds.ToDictionary(r => r.Key, r => PitLossTable.SamplesFromRace(r.Value.Race.Circuit, [.. r.Value.Laps]));
        var table = PitLossTable.Fit(byRound.Where(r => r.Key <= 8).SelectMany(r => r.Value));
        Assert.Equal(Season2021.Rounds[8].Race.Circuit, Season2021.Rounds[9].Race.Circuit);

        var (mae, constant, n) = table.Evaluate(byRound[9], PitStatus.Green);

        Assert.True(n >= 15, $"{n} stops");
        Assert.True(mae < constant, $"table {mae:0.00} s, constant {constant:0.00} s");
    }

    [Fact]
    public void The_table_round_trips_through_its_file_and_a_broken_file_is_a_clear_error()
    {
        Directory.CreateDirectory(_temp);
        var path = Path.Combine(_temp, PitLossTable.FileName);
        var table = PitLossTable.Fit(Samples.Value);
        table.Save(path);

        var loaded = PitLossTable.Load(path);
        Assert.Equal(table.Lookup("silverstone circuit", PitStatus.Green), loaded.Lookup("Silverstone Circuit", PitStatus.Green));

        File.WriteAllText(path, "{\"allCircuits\": {}, \"circuits\": {}}");
        Assert.Contains("has no all-circuit green-flag loss", Assert.Throws<InvalidDataException>(() => PitLossTable.Load(path)).Message);
        File.WriteAllText(path, "[1,");
        Assert.Contains("is not a valid pit-loss table file", Assert.Throws<InvalidDataException>(() => PitLossTable.Load(path)).Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }
}
