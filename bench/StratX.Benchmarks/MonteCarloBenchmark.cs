using System.Diagnostics;
using System.Text.Json;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Domain.Recordings;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Validation;
using StratX.Simulation;

namespace StratX.Benchmarks;

/// <summary>
/// Full-race Monte Carlo: the 2023 Bahrain Grand Prix from the grid (20 cars, 57 laps) with every effect on
/// (tyre wear and cliff, fuel, noise, one planned stop per car, safety cars, VSCs, red flags, overtaking with
/// DRS, retirements, the two-compound rule). The start state comes from the bundled recording; base pace is
/// each car's median clean lap of the race (this benchmark measures speed, not foresight). Prints the median
/// of several timed runs after a warm-up.
/// </summary>
internal static class MonteCarloBenchmark
{
    public static int Run(int races, int repeats, bool json)
    {
        var start = BahrainGrid();
        var plans = start.Cars.ToDictionary(c => c.Id, c => new Strategy([new PlannedStop(20 + (int.Parse(c.Id, System.Globalization.CultureInfo.InvariantCulture) % 8), c.Compound == TyreCompound.Hard ? TyreCompound.Medium : TyreCompound.Hard)]));
        var simulator = new RaceSimulator(CircuitModel.TypicalDry);
        simulator.Run(start, plans, new SimulationOptions { Runs = races, Seed = 0 });

        var timings = new List<(double Ms, int Gc0, int Gc1, int Gc2, long Allocated)>();
        for (var i = 0; i < repeats; i++)
        {
            var gc0 = GC.CollectionCount(0);
            var gc1 = GC.CollectionCount(1);
            var gc2 = GC.CollectionCount(2);
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            simulator.Run(start, plans, new SimulationOptions { Runs = races, Seed = (ulong)i + 1 });
            clock.Stop();
            timings.Add((clock.Elapsed.TotalMilliseconds, GC.CollectionCount(0) - gc0, GC.CollectionCount(1) - gc1, GC.CollectionCount(2) - gc2, GC.GetTotalAllocatedBytes(precise: true) - allocated));
        }

        var median = timings.OrderBy(t => t.Ms).ElementAt(timings.Count / 2);
        var result = new
        {
            benchmark = "montecarlo",
            races,
            cars = start.Cars.Count,
            laps = start.TotalLaps - start.LapsCompleted,
            ms = Math.Round(median.Ms, 1),
            gc0 = median.Gc0,
            gc1 = median.Gc1,
            gc2 = median.Gc2,
            allocatedBytes = median.Allocated,
            repeats,
            cores = Environment.ProcessorCount,
        };
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(result));
        }
        else
        {
            Console.WriteLine($"{races:N0} races × {result.cars} cars × {result.laps} laps: median {result.ms} ms over {repeats} runs " +
                $"({result.ms * 1000 / races:0.0} µs per race); GC gen0/1/2 {median.Gc0}/{median.Gc1}/{median.Gc2}, {median.Allocated:N0} bytes allocated; all runs {string.Join(", ", timings.Select(t => t.Ms.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))} ms");
        }

        return 0;
    }

    /// <summary>A full strategy search for one car from the Bahrain grid (default budget: ≥ 40 candidates × 500 runs).</summary>
    public static int Search(string car, int repeats, bool json)
    {
        var start = BahrainGrid();
        var search = new StrategySearch(new RaceSimulator(CircuitModel.TypicalDry));
        var options = new StrategySearchOptions();
        var recommendation = search.Recommend(start, car, null, options);
        var timings = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            recommendation = search.Recommend(start, car, null, options with { Seed = (ulong)i + 1 });
            timings.Add(clock.Elapsed.TotalMilliseconds);
        }

        var median = timings.Order().ElementAt(timings.Count / 2);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "strategy-search",
                car,
                candidates = recommendation.Candidates.Count,
                runsPerCandidate = options.RunsPerCandidate,
                ms = Math.Round(median, 1),
                repeats,
                cores = Environment.ProcessorCount,
            }));
            return 0;
        }

        Console.WriteLine($"strategy search for car {car}: {recommendation.Candidates.Count} candidates × {options.RunsPerCandidate} runs, median {median:0.0} ms over {repeats} runs");
        Console.WriteLine($"next stop: {recommendation.NextStop?.ToString() ?? "none"}, confidence {recommendation.Confidence:P0}");
        foreach (var candidate in recommendation.Candidates.Take(8))
        {
            Console.WriteLine($"  {candidate.Strategy,-40} E[pos] {candidate.ExpectedPosition:0.00}  P(win) {candidate.Win:P1}  P(podium) {candidate.Podium:P1}  regret {candidate.Regret:0.00}  best in {candidate.BestShare:P1}");
        }

        return 0;
    }

    private static RaceSnapshot BahrainGrid()
    {
        var folder = Path.Combine(PipelineBenchmark.FindRepo(), "data", "openf1", "2023-bahrain-race");
        var recording = RaceRecordings.Open(RecordingFormat.OpenF1Folder, folder, null, new RejectionLog(), includeTelemetry: false, Path.Combine(PipelineBenchmark.FindRepo(), "data", "history"));
        var events = recording.Read(new SessionKey(TenantId.Demo, new SessionId("bench"))).Select(i => i.Event).ToList();
        var laps = events.OfType<LapCompleted>().ToList();
        var total = recording.Race.ScheduledLaps;
        var whole = RaceSnapshotBuilder.AfterLap(laps, [], total, total, CircuitModel.TypicalDry);
        var afterLapOne = RaceSnapshotBuilder.AfterLap(laps, [], total, 1, CircuitModel.TypicalDry);
        var pace = whole.Cars.ToDictionary(c => c.Id, c => c.BasePace);
        return afterLapOne with
        {
            LapsCompleted = 0,
            Cars = [.. afterLapOne.Cars.Select(c => c with { BasePace = pace[c.Id], Retired = false, TyreAge = Math.Max(0, c.TyreAge - 1), CompoundsUsed = [c.Compound] })],
        };
    }
}
