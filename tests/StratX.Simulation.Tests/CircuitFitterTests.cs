namespace StratX.Simulation.Tests;

/// <summary>Circuit parameters fitted from the bundled 2021 season.</summary>
public class CircuitFitterTests
{
    private static readonly Lazy<(CircuitFitter Fitter, Dictionary<int, string?> Circuits)> Season = new(FitSeason);

    [Fact]
    public void Fitted_circuits_get_plausible_pit_losses_and_neutralisation_rates()
    {
        var (fitter, circuits) = Season.Value;
        var baseline = CircuitModel.TypicalDry;

        foreach (var circuit in circuits.Values.Distinct())
        {
            var model = fitter.For(circuit);
            Assert.InRange(model.PitLossGreen, 15, 35);
            Assert.Equal(model.PitLossGreen * 0.45, model.PitLossSafetyCar, tolerance: 0.01);
            Assert.True(model.PitLossSafetyCar < model.PitLossVsc && model.PitLossVsc < model.PitLossGreen);
            Assert.InRange(model.SafetyCarPerLap, 0.001, 0.1);
            Assert.InRange(model.VscPerLap, 0.0, 0.1);
            Assert.InRange(model.Hard.DegradationPerLap, 0, 0.3);
            Assert.Equal(baseline.OvertakeThreshold, model.OvertakeThreshold);
        }

        Assert.Equal(22, fitter.Races);
    }

    [Fact]
    public void A_circuit_never_seen_gets_the_all_circuit_estimate_and_seen_ones_differ_from_it()
    {
        var (fitter, circuits) = Season.Value;

        var unseen = fitter.For("Circuit Never Raced");
        var jeddah = fitter.For(circuits[21]);
        var monza = fitter.For(circuits[14]);

        Assert.NotEqual(CircuitModel.TypicalDry.PitLossGreen, unseen.PitLossGreen);
        Assert.True(jeddah.SafetyCarPerLap > unseen.SafetyCarPerLap, $"Jeddah 2021 had two safety cars and red flags: {jeddah.SafetyCarPerLap:0.0000} vs {unseen.SafetyCarPerLap:0.0000}");
        Assert.NotEqual(monza.PitLossGreen, jeddah.PitLossGreen);
    }

    [Fact]
    public void With_nothing_added_the_base_model_is_returned()
    {
        Assert.Same(CircuitModel.TypicalDry, new CircuitFitter(CircuitModel.TypicalDry).For("Anywhere"));
    }

    private static (CircuitFitter, Dictionary<int, string?>) FitSeason()
    {
        var fitter = new CircuitFitter(CircuitModel.TypicalDry);
        foreach (var race in RealRaceStates.Season2021)
        {
            fitter.Add(race.Race.Circuit, race.Race.ScheduledLaps, [.. race.Laps], [.. race.Stops], [.. race.TrackStatusChanges]);
        }

        return (fitter, RealRaceStates.Season2021.ToDictionary(r => r.Round, r => r.Race.Circuit));
    }
}
