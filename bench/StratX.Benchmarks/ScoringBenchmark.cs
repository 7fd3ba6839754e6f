using System.Diagnostics;
using System.Text.Json;
using HdrHistogram;
using StratX.Domain.Events;
using StratX.Ingestion.FastF1;
using StratX.Ingestion.Validation;
using StratX.Models.Live;
using StratX.Models.PitNextLap;
using StratX.Models.Scoring;

namespace StratX.Benchmarks;

/// <summary>
/// Live scoring as the grains do it: the bundled 2021 season's races replayed lap by lap in crossing order,
/// and after every lap all models scored for that car — the field part (next lap, pit, overtake, pit loss,
/// anomaly) from the race so far, the car part (degradation and cliff) from its own laps, and, when the lap is
/// the leader's (a new leader lap, as the session grain does it), the safety-car hazard for the race.
/// Each car-lap is timed on its own; the figures are percentiles over all car-laps after a warm-up race.
/// </summary>
internal static class ScoringBenchmark
{
    public static int Run(string modelRoot, int races, bool json)
    {
        var registry = new ModelRegistry(modelRoot, LivePredictor.Loaders);
        registry.LoadLatest();
        var predictor = new LivePredictor(registry);
        var season = FastF1Season.Read(Path.Combine(PipelineBenchmark.FindRepo(), "data", "fastf1-laps", "race_laps_2021.csv"), new RejectionLog(), Path.Combine(PipelineBenchmark.FindRepo(), "data", "history"))
            .Take(races + 1)
            .ToList();

        // Race 1 warms up the engines, tiered JIT and the pools; it is not measured.
        Replay(season[0], predictor, null, null);
        var histogram = new LongHistogram(Stopwatch.Frequency, 3);
        var parts = new[] { "field", "hazard", "car" }.ToDictionary(p => p, _ => new LongHistogram(Stopwatch.Frequency, 3));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var gc0 = GC.CollectionCount(0);
        var scored = 0;
        foreach (var race in season.Skip(1))
        {
            scored += Replay(race, predictor, histogram, parts);
        }

        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        double Us(double percentile) => Math.Round(histogram.GetValueAtPercentile(percentile) * 1e6 / Stopwatch.Frequency, 1);
        var result = new
        {
            benchmark = "scoring",
            races = season.Count - 1,
            carLaps = scored,
            p50Us = Us(50),
            p90Us = Us(90),
            p99Us = Us(99),
            p999Us = Us(99.9),
            maxUs = Math.Round(histogram.GetMaxValue() * 1e6 / Stopwatch.Frequency, 1),
            parts = parts.ToDictionary(p => p.Key, p => new { p50Us = Math.Round(p.Value.GetValueAtPercentile(50) * 1e6 / Stopwatch.Frequency, 1), p99Us = Math.Round(p.Value.GetValueAtPercentile(99) * 1e6 / Stopwatch.Frequency, 1) }),
            allocatedBytesPerCarLap = scored == 0 ? 0 : allocated / scored,
            gc0 = GC.CollectionCount(0) - gc0,
            models = registry.Status().Select(s => $"{s.Task}:{(s.ActiveVersion is { } v ? $"v{v}" : "rule")}").ToArray(),
            cores = Environment.ProcessorCount,
        };
        Console.WriteLine(json ? JsonSerializer.Serialize(result) : JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return registry.Status().Any(s => s.ActiveVersion is null) ? 1 : 0;
    }

    private static int Replay(SeasonRace race, LivePredictor predictor, LongHistogram? histogram, Dictionary<string, LongHistogram>? parts)
    {
        var laps = race.Laps.OrderBy(l => l.OccurredAt).ToList();
        var field = new RaceLaps(race.Race.ScheduledLaps, race.Race.Circuit);
        var byCar = new Dictionary<Domain.Identity.CarId, List<LapCompleted>>();
        var fieldLaps = new List<LapCompleted>();
        var leaderLap = 0;
        foreach (var lap in laps)
        {
            if (!byCar.TryGetValue(lap.Car, out var own))
            {
                own = [];
                byCar[lap.Car] = own;
            }

            own.Add(lap);
            var start = Stopwatch.GetTimestamp();
            field.Add(lap);
            fieldLaps.Add(lap);
            predictor.ScoreField(field, lap.Car, fieldLaps);
            var afterField = Stopwatch.GetTimestamp();
            var newLeaderLap = lap.LapNumber > leaderLap;
            if (newLeaderLap)
            {
                leaderLap = lap.LapNumber;
                predictor.ScoreHazard(field, lap.LapNumber, fieldLaps);
            }

            var afterHazard = Stopwatch.GetTimestamp();
            predictor.ScoreCar(lap.Car, own, race.Race.Circuit);
            var end = Stopwatch.GetTimestamp();
            histogram?.RecordValue(end - start);
            parts?["field"].RecordValue(afterField - start);
            if (newLeaderLap)
            {
                parts?["hazard"].RecordValue(afterHazard - afterField);
            }

            parts?["car"].RecordValue(end - afterHazard);
        }

        return laps.Count;
    }

    public static string DefaultModels() => Path.Combine(PipelineBenchmark.FindRepo(), "models");

    /// <summary>
    /// The pit-next-lap model alone, each version on disk through its pooled engine as the grains score it: the
    /// pit examples of the bundled 2021 races (the first <paramref name="laps"/>, built with each version's priors)
    /// scored one at a time, the versions interleaved, <paramref name="rounds"/> timed rounds after an untimed one.
    /// </summary>
    public static int RunPitVersions(string modelRoot, int laps, int rounds, bool json)
    {
        var season = FastF1Season.Read(Path.Combine(PipelineBenchmark.FindRepo(), "data", "fastf1-laps", "race_laps_2021.csv"), new RejectionLog(), Path.Combine(PipelineBenchmark.FindRepo(), "data", "history")).ToList();
        var versions = Directory.GetDirectories(Path.Combine(modelRoot, PitModel.Task), "v*")
            .Select(folder => (Version: int.Parse(Path.GetFileName(folder)[1..], System.Globalization.CultureInfo.InvariantCulture), Scorer: PitScorer.Load(folder)))
            .OrderBy(v => v.Version)
            .Select(v => (v.Version, v.Scorer, Examples: season
                .SelectMany(r => PitDataset.FromRace([.. r.Laps], r.Race.ScheduledLaps, r.Race.Circuit, v.Scorer.Priors, RaceLaps.TeamsOf(r.Race.Entries)))
                .Take(laps)
                .ToList(), Histogram: new LongHistogram(Stopwatch.Frequency, 3)))
            .ToList();
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var (_, scorer, examples, histogram) in versions)
            {
                foreach (var example in examples)
                {
                    var start = Stopwatch.GetTimestamp();
                    scorer.Predict(example);
                    if (round > 0)
                    {
                        histogram.RecordValue(Stopwatch.GetTimestamp() - start);
                    }
                }
            }
        }

        double Us(LongHistogram h, double percentile) => Math.Round(h.GetValueAtPercentile(percentile) * 1e6 / Stopwatch.Frequency, 1);
        var result = new
        {
            benchmark = "scoring-pit-versions",
            laps = versions.Select(v => v.Examples.Count).DefaultIfEmpty().Min(),
            rounds,
            versions = versions.Select(v => new { version = v.Version, p50Us = Us(v.Histogram, 50), p90Us = Us(v.Histogram, 90), p99Us = Us(v.Histogram, 99) }).ToArray(),
            cores = Environment.ProcessorCount,
        };
        Console.WriteLine(json ? JsonSerializer.Serialize(result) : JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
}
