using StratX.Simulation;

namespace StratX.Cli.Backtesting;

/// <summary>One metric of one model at one race fraction (optionally for one season).</summary>
internal sealed record BacktestMetric(double At, string Model, string Metric, double Value, int N, int? Season = null);

/// <summary>
/// Rebuilds real races at fractions of their distance, simulates them to the flag and scores the predicted
/// finishing positions of the cars then running against the real finish, beside the order-holds baseline
/// (its width fitted on seasons before the one scored). The simulator is calibrated the same way: its pace
/// uncertainty is the value that best explains the seasons before the one scored. The earliest season has
/// nothing before it: the baseline's width is then fitted on that season itself (in its favour) and the
/// simulator keeps its default. With <c>fitCircuits</c>, each circuit's neutralisation rates, pit loss and
/// wear are fitted on the earlier seasons too (<see cref="CircuitFitter"/>); measured on 2019–2020 it did
/// not beat the generic parameters yet, so it is off by default. With <c>liveWearPrior</c>, a third model,
/// <c>montecarlo-live-wear</c>, simulates each state as the live planner does: with each dry compound's wear
/// updated from the race's stints up to the cut (<see cref="LiveWear"/>), on the same random numbers.
/// </summary>
internal sealed class Backtester(CircuitModel circuit, int runs, ulong seed, bool fitCircuits = false, double? liveWearPrior = null)
{
    private const double Floor = 1e-4;

    /// <summary>Pace uncertainties (s/lap) tried when the simulator is calibrated on earlier seasons.</summary>
    private static readonly double[] PaceUncertainties = [0.3, 0.5, 0.7, 0.9];

    /// <summary>The simulator's pace uncertainty used for each scored season, and where it came from.</summary>
    public Dictionary<int, (double Value, string Source)> Calibration { get; } = [];

    public List<BacktestMetric> Run(IReadOnlyList<RecordedRace> races, IReadOnlyList<double> fractions, Action<string>? progress = null)
    {
        var seasons = races.Select(r => r.Season).Distinct().Order().ToList();
        var fitted = new Dictionary<int, CircuitFitter>();
        var paceUncertainty = new Dictionary<int, double>();
        foreach (var season in seasons)
        {
            var earlier = races.Where(r => r.Season < season).ToList();
            fitted[season] = Fit(fitCircuits ? earlier : []);
            if (earlier.Count == 0)
            {
                paceUncertainty[season] = circuit.PaceUncertainty;
                Calibration[season] = (circuit.PaceUncertainty, "default (no earlier season to calibrate on); circuits: generic parameters");
            }
            else
            {
                var best = PaceUncertainties.MaxBy(u => LogLikelihood(fitted[season], u, earlier, fractions));
                paceUncertainty[season] = best;
                var circuits = fitCircuits ? $"circuits fitted on {fitted[season].Races} earlier races" : "circuits: generic parameters";
                Calibration[season] = (best, $"fitted on {string.Join(",", earlier.Select(r => r.Season).Distinct().Order())}; {circuits}");
            }

            progress?.Invoke($"{season}: simulator pace uncertainty {Calibration[season].Value} s/lap ({Calibration[season].Source})");
        }

        var widths = new Dictionary<(int Season, double At), double>();
        foreach (var season in seasons)
        {
            foreach (var at in fractions)
            {
                var earlier = races.Where(r => r.Season < season).ToList();
                widths[(season, at)] = OrderHolds.Fit(Observations(earlier.Count > 0 ? earlier : [.. races.Where(r => r.Season == season)], at));
            }
        }

        var scores = new List<(int Season, double At, string Model, CarScore Score)>();
        foreach (var race in races)
        {
            progress?.Invoke($"simulating {race.Season} round {race.Round}: {race.Name}");
            foreach (var at in fractions)
            {
                if (!race.RanPast(at))
                {
                    progress?.Invoke($"skipped {race.Season} round {race.Round} at {at}: the race ran {race.LeaderLaps} laps");
                    continue;
                }

                var model = fitted[race.Season].For(race.Circuit) with { PaceUncertainty = paceUncertainty[race.Season] };
                var state = race.StateAt(at, model);
                SimulationResult result;
                try
                {
                    result = new RaceSimulator(model).Run(state, DefaultStrategies.For(state, model), new SimulationOptions { Runs = runs, Seed = seed });
                }
                catch (InvalidRaceStateException e)
                {
                    // One unusable state is reported and skipped; the rest of the backtest goes on.
                    progress?.Invoke($"skipped {race.Season} round {race.Round} at {at}: {e.Message}");
                    continue;
                }

                var running = state.Cars.Where(c => !c.Retired).ToList();
                for (var i = 0; i < running.Count; i++)
                {
                    if (!race.FinishingPositions.TryGetValue(running[i].Id, out var final))
                    {
                        continue;
                    }

                    var simulated = result[running[i].Id].PositionProbabilities.Take(running.Count).ToArray();
                    scores.Add((race.Season, at, "montecarlo", CarScore.Of(simulated, final)));
                    scores.Add((race.Season, at, "order-holds", CarScore.Of(OrderHolds.Distribution(i + 1, running.Count, widths[(race.Season, at)]), final)));
                }

                if (liveWearPrior is { } prior)
                {
                    scores.AddRange(LiveWearScores(race, at, model, prior));
                }
            }
        }

        var metrics = new List<BacktestMetric>();
        foreach (var at in fractions)
        {
            foreach (var model in liveWearPrior is null ? ["montecarlo", "order-holds"] : new[] { "montecarlo", "montecarlo-live-wear", "order-holds" })
            {
                metrics.AddRange(Summarise(at, model, null, [.. scores.Where(s => s.At == at && s.Model == model).Select(s => s.Score)]));
                foreach (var season in seasons)
                {
                    metrics.AddRange(Summarise(at, model, season, [.. scores.Where(s => s.At == at && s.Model == model && s.Season == season).Select(s => s.Score)]));
                }
            }
        }

        return metrics;
    }

    /// <summary>The race simulated from the cut with the wear learnt from its stints so far, scored per running car.</summary>
    private IEnumerable<(int Season, double At, string Model, CarScore Score)> LiveWearScores(RecordedRace race, double at, CircuitModel model, double prior)
    {
        var cut = race.LapAt(at);
        var live = LiveWear.Fit(model, race.HistoriesTo(cut), race.TotalLaps, cut, prior).Model;
        var state = race.StateAt(at, live);
        SimulationResult result;
        try
        {
            result = new RaceSimulator(live).Run(state, DefaultStrategies.For(state, live), new SimulationOptions { Runs = runs, Seed = seed });
        }
        catch (InvalidRaceStateException)
        {
            yield break;
        }

        var running = state.Cars.Where(c => !c.Retired).ToList();
        foreach (var car in running)
        {
            if (race.FinishingPositions.TryGetValue(car.Id, out var final))
            {
                yield return (race.Season, at, "montecarlo-live-wear", CarScore.Of([.. result[car.Id].PositionProbabilities.Take(running.Count)], final));
            }
        }
    }

    /// <summary>Circuit parameters fitted on the given races (generic parameters when there are none).</summary>
    private CircuitFitter Fit(IEnumerable<RecordedRace> races)
    {
        var fitter = new CircuitFitter(circuit);
        foreach (var race in races)
        {
            fitter.Add(race.Circuit, race.TotalLaps, race.Laps, race.Stops, race.Statuses);
        }

        return fitter;
    }

    /// <summary>Mean log-likelihood of the real finishing positions under the simulator (calibration; fewer runs).</summary>
    private double LogLikelihood(CircuitFitter fitter, double paceUncertainty, IReadOnlyList<RecordedRace> races, IReadOnlyList<double> fractions)
    {
        var total = 0.0;
        var n = 0;
        foreach (var race in races)
        {
            var model = fitter.For(race.Circuit) with { PaceUncertainty = paceUncertainty };
            var simulator = new RaceSimulator(model);
            foreach (var at in fractions.Where(race.RanPast))
            {
                var state = race.StateAt(at, model);
                if (state.Validate().Count > 0)
                {
                    continue;
                }

                var result = simulator.Run(state, DefaultStrategies.For(state, model), new SimulationOptions { Runs = Math.Min(runs, 300), Seed = seed + 1 });
                var running = state.Cars.Where(c => !c.Retired).ToList();
                foreach (var car in running)
                {
                    if (race.FinishingPositions.TryGetValue(car.Id, out var final))
                    {
                        total += Math.Log(Math.Max(Floor, result[car.Id].PositionProbabilities[Math.Min(final, running.Count) - 1]));
                        n++;
                    }
                }
            }
        }

        return n == 0 ? double.NegativeInfinity : total / n;
    }

    private List<(int Current, int Final, int Running)> Observations(IEnumerable<RecordedRace> races, double at)
    {
        var observations = new List<(int, int, int)>();
        foreach (var race in races)
        {
            var running = race.StateAt(at, circuit).Cars.Where(c => !c.Retired).ToList();
            for (var i = 0; i < running.Count; i++)
            {
                if (race.FinishingPositions.TryGetValue(running[i].Id, out var final))
                {
                    observations.Add((i + 1, final, running.Count));
                }
            }
        }

        return observations;
    }

    private static IEnumerable<BacktestMetric> Summarise(double at, string model, int? season, List<CarScore> scores)
    {
        if (scores.Count == 0)
        {
            yield break;
        }

        yield return new BacktestMetric(at, model, "logloss", scores.Average(s => s.LogLoss), scores.Count, season);
        yield return new BacktestMetric(at, model, "brier", scores.Average(s => s.Brier), scores.Count, season);
        yield return new BacktestMetric(at, model, "top3_logloss", scores.Average(s => s.Top3LogLoss), scores.Count, season);
        yield return new BacktestMetric(at, model, "top3_brier", scores.Average(s => s.Top3Brier), scores.Count, season);
        yield return new BacktestMetric(at, model, "median_position_mae", scores.Average(s => s.MedianError), scores.Count, season);
    }

    /// <summary>How one predicted finishing-position distribution scored against the real finish.</summary>
    private readonly record struct CarScore(double LogLoss, double Brier, double Top3LogLoss, double Top3Brier, double MedianError)
    {
        public static CarScore Of(double[] p, int final)
        {
            // Positions beyond the running field (behind cars already out) count as the last running place.
            var actual = Math.Min(final, p.Length) - 1;
            var brier = 0.0;
            for (var j = 0; j < p.Length; j++)
            {
                var outcome = j == actual ? 1.0 : 0.0;
                brier += (p[j] - outcome) * (p[j] - outcome);
            }

            var top3 = Math.Clamp(PositionDistribution.Top(p, 3), 0, 1);
            var inTop3 = actual < 3 ? 1.0 : 0.0;
            var median = PositionDistribution.Median(p);

            return new CarScore(
                -Math.Log(Math.Max(Floor, p[actual])),
                brier,
                -((inTop3 * Math.Log(Math.Max(Floor, top3))) + ((1 - inTop3) * Math.Log(Math.Max(Floor, 1 - top3)))),
                (top3 - inTop3) * (top3 - inTop3),
                Math.Abs(median - (actual + 1)));
        }
    }
}
