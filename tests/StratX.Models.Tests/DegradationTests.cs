using StratX.Domain.Events;
using StratX.Domain.Racing;
using StratX.Domain.Tyres;
using StratX.Models.Degradation;

namespace StratX.Models.Tests;

/// <summary>Wear curves, the cliff alert and the live forecast on the bundled 2021 season.</summary>
public sealed class DegradationTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), $"stratx-degradation-{Guid.NewGuid():N}");

    private static readonly Lazy<DegradationCurves> FirstFifteen = new(() => DegradationCurves.Fit(Stints(1, 15), FuelModel.Default));

    [Fact]
    public void Curves_fitted_on_fifteen_rounds_beat_no_change_on_the_last_seven()
    {
        var scores = DegradationEvaluation.Evaluate(FirstFifteen.Value, Stints(16, 22)).ToDictionary(s => s.Model);

        Assert.True(scores[DegradationCurves.Name].N > 150);
        Assert.True(scores[DegradationCurves.Name].Mae < scores[DegradationCurves.NoChange].Mae, $"wear-curve {scores[DegradationCurves.Name].Mae:0.000}, no-change {scores[DegradationCurves.NoChange].Mae:0.000}");
        Assert.All(FirstFifteen.Value.Compounds, c => Assert.InRange(c.Value.SecondsPerLap, -0.05, 0.2));
        Assert.Equal(0, FirstFifteen.Value.RateFor("Circuit Park Zandvoort", TyreCompound.Intermediate));
    }

    [Fact]
    public void The_cliff_alert_fires_on_a_stint_that_fell_off_and_not_on_a_flat_one()
    {
        // Zandvoort, Leclerc's first stint on softs: 76.2–76.4 s for ten laps, then 76.7, 76.7, 77.4, 77.7 at 33–36 laps old; he came in next lap.
        var fell = Stint(13, "16", 1);
        var fellAlerts = CliffDetector.Scan(fell, FirstFifteen.Value.RateFor("Circuit Park Zandvoort", TyreCompound.Soft));
        var first = fellAlerts.First(a => a.Alert.Fires);
        Assert.InRange(first.Lap.LapNumber, 31, 33);
        Assert.Contains("tyres falling off", first.Alert.Reason);

        // Barcelona, Verstappen's long medium stint: steady wear, never a break from its own trend.
        var flat = Stint(4, "33", 2);
        Assert.True(flat.Clean.Count > 25);
        Assert.DoesNotContain(CliffDetector.Scan(flat, FirstFifteen.Value.RateFor("Circuit de Barcelona-Catalunya", TyreCompound.Medium)), a => a.Alert.Fires);
    }

    [Fact]
    public void The_live_forecast_reads_one_car_s_laps_so_far()
    {
        Directory.CreateDirectory(_temp);
        FirstFifteen.Value.Save(Path.Combine(_temp, DegradationCurves.FileName));
        var degradation = TyreDegradation.Load(_temp);
        var laps = Season2021.Rounds[13].Laps.Where(l => l.Car.Value == "16" && l.LapNumber <= 33).ToList();

        var forecast = degradation.Forecast("Circuit Park Zandvoort", laps)!;

        Assert.Equal(TyreCompound.Soft, forecast.Compound);
        Assert.Equal(36, forecast.TyreAge);
        Assert.Equal(forecast.WearPerLap * 10, forecast.WearNext10, 9);
        Assert.Equal(forecast.WearNext5 - (5 * FuelModel.Default.SecondsPerLap), forecast.LapTimeChangeNext5, 9);
        Assert.True(forecast.Cliff.Fires, forecast.Cliff.Reason);
        Assert.Null(degradation.Forecast("Circuit Park Zandvoort", []));
        Assert.Throws<ArgumentException>(() => degradation.Forecast(null, [.. Season2021.Rounds[13].Laps.Take(40)]));
    }

    [Fact]
    public void Unreadable_curves_are_a_clear_error()
    {
        Directory.CreateDirectory(_temp);
        var path = Path.Combine(_temp, DegradationCurves.FileName);
        File.WriteAllText(path, "{ \"fuelSecondsPerLap\": ");

        Assert.Contains("is not a valid degradation curves file", Assert.Throws<InvalidDataException>(() => DegradationCurves.Load(path)).Message);
        Assert.Contains("There is no degradation curves file", Assert.Throws<InvalidDataException>(() => DegradationCurves.Load(path + ".missing")).Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    private static Stint Stint(int round, string car, int number) =>
        StintLaps.Of([.. Season2021.Rounds[round].Laps.Where(l => l.Car.Value == car)], FuelModel.Default).Single(s => s.Number == number);

    private static List<(string? Circuit, Stint Stint)> Stints(int first, int last) =>
        [.. DegradationEvaluation.Stints(Season2021.Rounds.Where(r => r.Key >= first && r.Key <= last).Select(r => (r.Value.Race.Circuit, (IReadOnlyList<LapCompleted>)[.. r.Value.Laps])), FuelModel.Default)];
}
