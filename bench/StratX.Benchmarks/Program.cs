using StratX.Benchmarks;

// dotnet run -c Release --project bench/StratX.Benchmarks -- [--runs N] [--warmups N] [--StratX:Section:Key value ...]
// Settings in the StratX: namespace go to the server under test (e.g. --StratX:Ingestion:MaxInFlight 64).
var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).DefaultIfEmpty(5).First();
var warmups = args.SkipWhile(a => a != "--warmups").Skip(1).Select(int.Parse).DefaultIfEmpty(2).First();
var serverSettings = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--StratX:", StringComparison.Ordinal)).SelectMany(x => new[] { x.a, args[x.i + 1] }).ToArray();
return await PipelineBenchmark.RunAsync(warmups, runs, serverSettings);
