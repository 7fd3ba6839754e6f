using StratX.Benchmarks;

// dotnet run -c Release --project bench/StratX.Benchmarks -- [--runs N] [--warmups N] [--StratX:Section:Key value ...]
//   the spine: a full-speed replay through the embedded server to a SignalR client.
//   Settings in the StratX: namespace go to the server under test (e.g. --StratX:Ingestion:MaxInFlight 64).
// dotnet run -c Release --project bench/StratX.Benchmarks -- cluster [--runs N] [--warmups N] [--pg CONNECTION] [--StratX:Section:Key value ...]
//   the same through the durable path: the server as a one-silo cluster on PostgreSQL (--pg, default $STRATX_PG)
//   with race events on the Kafka stream provider (librdkafka's mock cluster, 3 brokers, in this process).
// dotnet run -c Release --project bench/StratX.Benchmarks -- montecarlo [--races N] [--repeats N] [--json]
//   full-race Monte Carlo simulations from the 2023 Bahrain grid.
// dotnet run -c Release --project bench/StratX.Benchmarks -- scoring [--races N] [--models DIR] [--json]
//   every model scored for one car's lap, lap by lap through real 2021 races (latency percentiles).
// dotnet run -c Release --project bench/StratX.Benchmarks -- scoring --pit-versions [--laps N] [--rounds N] [--models DIR] [--json]
//   the pit-next-lap model alone, every version on disk, one 2021 lap at a time (versions interleaved).
// dotnet run -c Release --project bench/StratX.Benchmarks -- strategy [--car N] [--repeats N] [--json]
//   a strategy search for one car from the same grid.
// dotnet run -c Release --project bench/StratX.Benchmarks -- dashboard [--speed N|max] [--pace-from-lap N] [--seconds N] [--warmups N] [--runs N] [--chromium PATH] [--profile PREFIX] [--json]
//   the dashboard's frames per second in headless Chromium (race view, then car view) during a replay with telemetry.
// dotnet run -c Release --project bench/StratX.Benchmarks -- fuzz [--inputs N] [--target NAME] [--seed SEED] [--json]
//   every parser fed N mutated real inputs (default 1,000,000): no crash, no hang, a reason for every rejection.
// dotnet run -c Release --project bench/StratX.Benchmarks -- noisy [--seconds N] [--quiet-speed N] [--rounds N] [--warmup SECONDS] [--noisy-quotas SESSIONS,SIMULATIONS,EVENTS_PER_S] [--no-simulations] [--json] [--StratX:Section:Key value ...]
//   one team's lap-to-client p99 alone and beside a team using all its quotas (full-speed replays, simulations);
//   the noisy team's quotas are the defaults (StratX:Quotas) unless given.
if (args.FirstOrDefault() == "noisy")
{
    var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).DefaultIfEmpty(45).First();
    var quietSpeed = args.SkipWhile(a => a != "--quiet-speed").Skip(1).Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(20).First();
    var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).DefaultIfEmpty(3).First();
    var warmup = args.SkipWhile(a => a != "--warmup").Skip(1).Select(int.Parse).DefaultIfEmpty(20).First();
    var settings = args.Where((a, i) => a.StartsWith("--StratX:", StringComparison.Ordinal) || (i > 0 && args[i - 1].StartsWith("--StratX:", StringComparison.Ordinal))).ToArray();
    var noisyQuotas = args.SkipWhile(a => a != "--noisy-quotas").Skip(1).Select(q => q.Split(',').Select(int.Parse).ToArray()).Select(q => ((int, int, int)?)(q[0], q[1], q[2])).FirstOrDefault();
    return await NoisyTenantBenchmark.RunAsync(seconds, quietSpeed, rounds, warmup, args.Contains("--json"), noisyQuotas, !args.Contains("--no-simulations"), settings);
}

if (args.FirstOrDefault() == "fuzz")
{
    var inputs = args.SkipWhile(a => a != "--inputs").Skip(1).Select(long.Parse).DefaultIfEmpty(1_000_000).First();
    var target = args.SkipWhile(a => a != "--target").Skip(1).FirstOrDefault();
    var fuzzSeed = args.SkipWhile(a => a != "--seed").Skip(1).FirstOrDefault();
    return FuzzBenchmark.Run(inputs, target, fuzzSeed, args.Contains("--json"));
}

if (args.FirstOrDefault() == "dashboard")
{
    // By default 30× from lap 10: fast, and still running through both windows (a full-speed replay of this race reaches the flag within one or two).
    var speed = args.SkipWhile(a => a != "--speed").Skip(1).DefaultIfEmpty("30").First();
    var paceFromLap = args.SkipWhile(a => a != "--pace-from-lap").Skip(1).Select(int.Parse).Select(l => (int?)l).DefaultIfEmpty(speed == "max" ? null : 10).First();
    var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).DefaultIfEmpty(10).First();
    var dashboardWarmups = args.SkipWhile(a => a != "--warmups").Skip(1).Select(int.Parse).DefaultIfEmpty(1).First();
    var dashboardRuns = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).DefaultIfEmpty(3).First();
    var chromium = args.SkipWhile(a => a != "--chromium").Skip(1).DefaultIfEmpty("/usr/bin/chromium").First();
    var profile = args.SkipWhile(a => a != "--profile").Skip(1).FirstOrDefault();
    return await DashboardBenchmark.RunAsync(speed, paceFromLap, seconds, dashboardWarmups, dashboardRuns, chromium, profile, args.Contains("--json"));
}

if (args.FirstOrDefault() == "scoring")
{
    var races = args.SkipWhile(a => a != "--races").Skip(1).Select(int.Parse).DefaultIfEmpty(10).First();
    var models = args.SkipWhile(a => a != "--models").Skip(1).DefaultIfEmpty(ScoringBenchmark.DefaultModels()).First();
    if (args.Contains("--pit-versions"))
    {
        var laps = args.SkipWhile(a => a != "--laps").Skip(1).Select(int.Parse).DefaultIfEmpty(4000).First();
        var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).DefaultIfEmpty(4).First();
        return ScoringBenchmark.RunPitVersions(models, laps, rounds, args.Contains("--json"));
    }

    return ScoringBenchmark.Run(models, races, args.Contains("--json"));
}

if (args.FirstOrDefault() == "montecarlo")
{
    var races = args.SkipWhile(a => a != "--races").Skip(1).Select(int.Parse).DefaultIfEmpty(10_000).First();
    var repeats = args.SkipWhile(a => a != "--repeats").Skip(1).Select(int.Parse).DefaultIfEmpty(7).First();
    return MonteCarloBenchmark.Run(races, repeats, args.Contains("--json"));
}

if (args.FirstOrDefault() == "strategy")
{
    var car = args.SkipWhile(a => a != "--car").Skip(1).DefaultIfEmpty("1").First();
    var repeats = args.SkipWhile(a => a != "--repeats").Skip(1).Select(int.Parse).DefaultIfEmpty(5).First();
    return MonteCarloBenchmark.Search(car, repeats, args.Contains("--json"));
}

var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).DefaultIfEmpty(5).First();
var warmups = args.SkipWhile(a => a != "--warmups").Skip(1).Select(int.Parse).DefaultIfEmpty(2).First();
var serverSettings = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--StratX:", StringComparison.Ordinal)).SelectMany(x => new[] { x.a, args[x.i + 1] }).ToArray();
if (args.FirstOrDefault() == "cluster")
{
    var postgres = args.SkipWhile(a => a != "--pg").Skip(1).DefaultIfEmpty(Environment.GetEnvironmentVariable("STRATX_PG")).First();
    if (string.IsNullOrEmpty(postgres))
    {
        Console.Error.WriteLine("cluster: give --pg \"Host=...;Username=...;Database=...\" or set STRATX_PG (a PostgreSQL where a database may be created).");
        return 2;
    }

    using var durable = await DurablePath.CreateAsync(postgres);
    return await PipelineBenchmark.RunAsync(warmups, runs, [.. durable.Settings, .. serverSettings]);
}

return await PipelineBenchmark.RunAsync(warmups, runs, serverSettings);
