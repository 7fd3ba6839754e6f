using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Recordings;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Validation;
using StratX.Tests;

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
        var circuits = new Dictionary<int, string?>();
        foreach (var (round, _) in FastF1Recording.Rounds(RepoPaths.FastF1Laps2021))
        {
            var recording = RaceRecordings.Open(RecordingFormat.FastF1Laps, RepoPaths.FastF1Laps2021, round, new RejectionLog(), includeTelemetry: false, RepoPaths.History);
            var events = recording.Read(new SessionKey(TenantId.Demo, new SessionId("fit"))).Select(i => i.Event).ToList();
            fitter.Add(recording.Race.Circuit, recording.Race.ScheduledLaps, [.. events.OfType<LapCompleted>()], [.. events.OfType<PitStop>()], [.. events.OfType<TrackStatusChanged>()]);
            circuits[round] = recording.Race.Circuit;
        }

        return (fitter, circuits);
    }
}
