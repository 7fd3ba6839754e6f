using StratX.Fuzz;
using StratX.Fuzz.Afl;

// dotnet StratX.Fuzz.Afl.dll TARGET
//   under afl-fuzz (scripts/fuzz-afl.sh): SharpFuzz's out-of-process fork server runs TARGET on each input afl-fuzz
//   gives on stdin. An exception out of the parser, or a rejection without a reason, is reported as a crash.
// dotnet StratX.Fuzz.Afl.dll TARGET --replay DIR
//   every file of DIR (afl-fuzz's crashes/ or hangs/, a corpus) through TARGET once, without afl-fuzz:
//   what each became; exit 1 if any crashed.
// dotnet StratX.Fuzz.Afl.dll TARGET --write-seeds DIR [--max-bytes N]
//   the target's seeds written to DIR as afl-fuzz's starting corpus; a seed over N bytes (default 1 MB, the
//   largest input afl-fuzz takes) is cut to its whole lines under N.
// dotnet StratX.Fuzz.Afl.dll --list
//   the targets' names, one a line.
var fuzzing = !args.Any(a => a is "--list" or "--write-seeds" or "--replay");
if (fuzzing)
{
    // The fork server (the parent afl-fuzz starts) must not run instrumented code: only the child it starts has
    // afl-fuzz's coverage map. So the targets, whose seeds are read with StratX code, are made in the child, on
    // its first input.
    var name = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
    var chosen = new Lazy<ParserTarget>(() => ParserTargets.All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"no target named '{name}'; the targets: {string.Join(", ", ParserTargets.All.Select(t => t.Name))}."));
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream => AflHarness.RunOnce(chosen.Value, stream));
    return 0;
}

// Outside afl-fuzz the instrumented assemblies still record their branches: into a map of their own.
AflHarness.GiveCoverageMap();

if (args.Contains("--list"))
{
    foreach (var name in ParserTargets.All.Select(t => t.Name))
    {
        Console.WriteLine(name);
    }

    return 0;
}

var targetName = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
var target = ParserTargets.All.FirstOrDefault(t => t.Name == targetName);
if (target is null)
{
    Console.Error.WriteLine($"StratX.Fuzz.Afl: no target named '{targetName}'; the targets: {string.Join(", ", ParserTargets.All.Select(t => t.Name))}.");
    return 2;
}

if (Option("--write-seeds") is { } seedsDir)
{
    var maxBytes = Option("--max-bytes") is { } max ? int.Parse(max, System.Globalization.CultureInfo.InvariantCulture) : 1 << 20;
    return AflHarness.WriteSeeds(target, seedsDir, maxBytes);
}

return Option("--replay") is { } replayDir ? AflHarness.Replay(target, replayDir) : 2;

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
