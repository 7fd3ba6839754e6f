using StratX.Domain.Racing;

namespace StratX.Simulation.Tests;

/// <summary>The simulator on states rebuilt from the 2021 Abu Dhabi Grand Prix.</summary>
public class RaceSimulatorTests
{
    private static readonly RaceSimulator Simulator = new(CircuitModel.TypicalDry);

    [Fact]
    public void The_same_seed_gives_the_same_result_whatever_the_number_of_threads()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 20);
        var plans = OneStopForAll(state, 36);

        var one = Simulator.Run(state, plans, new SimulationOptions { Runs = 2_000, Seed = 7, Parallelism = 1 });
        var two = Simulator.Run(state, plans, new SimulationOptions { Runs = 2_000, Seed = 7, Parallelism = 2 });
        var other = Simulator.Run(state, plans, new SimulationOptions { Runs = 2_000, Seed = 8, Parallelism = 2 });

        Assert.Equal(Flatten(one), Flatten(two));
        Assert.NotEqual(Flatten(one), Flatten(other));
    }

    [Fact]
    public void Each_car_gets_one_position_and_each_position_one_car_in_every_run()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 30);
        var result = Simulator.Run(state, OneStopForAll(state, 40), new SimulationOptions { Runs = 3_000, Seed = 3 });

        Assert.All(result.Cars, c => Assert.Equal(1.0, c.PositionProbabilities.Sum(), 9));
        for (var position = 0; position < state.Cars.Count; position++)
        {
            Assert.Equal(1.0, result.Cars.Sum(c => c.PositionProbabilities[position]), 9);
        }

        Assert.All(result.Cars, c => Assert.InRange(c.ExpectedPosition, 1, state.Cars.Count));
    }

    [Fact]
    public void The_leaders_at_two_thirds_distance_are_the_favourites()
    {
        // After lap 40 of 58, Hamilton led Verstappen by ~11 s on harder, older tyres (the race turned on a
        // late safety car, which the simulator can draw but not foresee).
        var state = RealRaceStates.AbuDhabi2021(afterLap: 40);
        var result = Simulator.Run(state, null, new SimulationOptions { Runs = 5_000, Seed = 11 });

        var ham = result["44"];
        var ver = result["33"];
        Assert.Equal("44", state.Cars[0].Id);
        Assert.True(ham.Win > 0.5, $"HAM P(win) {ham.Win:0.000}");
        Assert.True(ver.Win < ham.Win && result.Cars.Where(c => c.Id is not "44" and not "33").All(c => c.Win < ver.Win), $"VER P(win) {ver.Win:0.000}");
        Assert.True(ham.Win + ver.Win > 0.9);
        Assert.True(ham.Podium > 0.9 && ver.Podium > 0.9);
        var backMarker = result[state.Cars[^1].Id];
        Assert.True(backMarker.ExpectedPosition > 12);
    }

    [Fact]
    public void A_car_on_tyres_fifteen_laps_older_loses_places()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 25);
        var subject = state.Cars.Where(c => !c.Retired && c.CompoundsUsed.Count >= 2).Skip(3).First();
        var older = state with { Cars = [.. state.Cars.Select(c => c.Id == subject.Id ? c with { TyreAge = c.TyreAge + 15 } : c)] };
        var plans = DefaultStrategies.For(state, CircuitModel.TypicalDry);
        plans.Remove(subject.Id);
        var options = new SimulationOptions { Runs = 4_000, Seed = 5 };

        var fresh = Simulator.Run(state, plans, options)[subject.Id];
        var worn = Simulator.Run(older, plans, options)[subject.Id];

        Assert.True(worn.ExpectedPosition > fresh.ExpectedPosition + 0.5, $"expected position {fresh.ExpectedPosition:0.00} on its tyres, {worn.ExpectedPosition:0.00} on tyres 15 laps older");
    }

    [Fact]
    public void A_stop_under_a_safety_car_costs_less_than_under_green()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 30);
        var subject = state.Cars.First(c => !c.Retired && c.CompoundsUsed.Count >= 2 && c.GapToLeader > 0);
        var stop = new Dictionary<string, Strategy> { [subject.Id] = new([new PlannedStop(31, TyreCompound.Hard)]) };
        var options = new SimulationOptions { Runs = 4_000, Seed = 9 };
        var safetyCar = state with { TrackStatus = SimTrackStatus.SafetyCar, NeutralisedLapsLeft = 3 };

        double Cost(RaceSnapshot start) =>
            Simulator.Run(start, stop, options)[subject.Id].ExpectedRaceTime!.Value - Simulator.Run(start, null, options)[subject.Id].ExpectedRaceTime!.Value;

        // Cost = race time with the stop minus without it: the pit loss less what fresh tyres give back.
        var underGreen = Cost(state);
        var underSafetyCar = Cost(safetyCar);
        Assert.True(underSafetyCar < underGreen - 5, $"a stop costs {underGreen:0.0} s under green and {underSafetyCar:0.0} s under the safety car");
    }

    [Fact]
    public void A_finisher_that_never_used_a_second_dry_compound_is_disqualified()
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 10);
        var subject = state.Cars.First(c => c.CompoundsUsed.Count == 1 && !c.Retired);
        var plans = new Dictionary<string, Strategy>
        {
            [subject.Id] = new([new PlannedStop(30, subject.Compound)]),
        };

        var result = Simulator.Run(state, plans, new SimulationOptions { Runs = 2_000, Seed = 1 })[subject.Id];

        Assert.True(result.Disqualified > 0.9, $"P(disqualified) {result.Disqualified:0.000}");
        Assert.Equal(1.0, result.Disqualified + result.Retired, 2);
        var legal = Simulator.Run(state, new Dictionary<string, Strategy> { [subject.Id] = new([new PlannedStop(30, Other(subject.Compound))]) }, new SimulationOptions { Runs = 2_000, Seed = 1 })[subject.Id];
        Assert.Equal(0, legal.Disqualified);
    }

    [Fact]
    public void A_much_faster_car_behind_gets_past_and_a_slightly_faster_one_mostly_does_not()
    {
        var circuit = CircuitModel.TypicalDry with { SafetyCarPerLap = 0, VscPerLap = 0, RedFlagPerLap = 0, RetirementPerLap = 0, LapTimeNoise = 0.1, PaceUncertainty = 0 };
        var simulator = new RaceSimulator(circuit);
        RaceSnapshot Duel(double advantage) => new()
        {
            TotalLaps = 20,
            LapsCompleted = 10,
            Cars =
            [
                new SimCar { Id = "1", GapToLeader = 0, BasePace = 90, Compound = TyreCompound.Hard, TyreAge = 5, CompoundsUsed = [TyreCompound.Medium, TyreCompound.Hard] },
                new SimCar { Id = "2", GapToLeader = 1.5, BasePace = 90 - advantage, Compound = TyreCompound.Hard, TyreAge = 5, CompoundsUsed = [TyreCompound.Medium, TyreCompound.Hard] },
            ],
        };

        var fast = simulator.Run(Duel(1.6), null, new SimulationOptions { Runs = 1_000, Seed = 2 })["2"];
        var slight = simulator.Run(Duel(0.2), null, new SimulationOptions { Runs = 1_000, Seed = 2 })["2"];

        Assert.True(fast.Win > 0.9, $"1.6 s/lap faster: P(ahead at the flag) {fast.Win:0.000}");
        Assert.True(slight.Win < 0.5, $"0.2 s/lap faster: P(ahead at the flag) {slight.Win:0.000}");
        Assert.True(fast.Win > slight.Win + 0.4);
    }

    [Theory]
    [InlineData("unknown compound", 0, 30, 1.0)]
    [InlineData("outside the race distance", 2, 70, 1.0)]
    [InlineData("negative gap", 2, 30, -3.0)]
    public void Invalid_states_are_refused_with_the_reason(string reason, int compound, int lapsCompleted, double gap)
    {
        var state = RealRaceStates.AbuDhabi2021(afterLap: 20);
        var broken = state with
        {
            LapsCompleted = lapsCompleted,
            Cars = [.. state.Cars.Select((c, i) => i == 2 ? c with { Compound = compound == 0 ? TyreCompound.Unknown : c.Compound, GapToLeader = gap < 0 ? gap : c.GapToLeader } : c)],
        };

        var error = Assert.Throws<InvalidRaceStateException>(() => Simulator.Run(broken, null, new SimulationOptions { Runs = 10 }));
        Assert.Contains(error.Errors, e => e.Contains(reason, StringComparison.Ordinal));
    }

    private static Dictionary<string, Strategy> OneStopForAll(RaceSnapshot state, int lap) =>
        state.Cars.Where(c => c.Stops == 0 && lap < state.TotalLaps).ToDictionary(c => c.Id, c => new Strategy([new PlannedStop(lap, Other(c.Compound))]));

    private static TyreCompound Other(TyreCompound compound) => compound == TyreCompound.Hard ? TyreCompound.Medium : TyreCompound.Hard;

    private static double[] Flatten(SimulationResult result) =>
        [.. result.Cars.SelectMany(c => c.PositionProbabilities.Append(c.ExpectedRaceTime ?? -1))];
}
