using System.Globalization;
using System.Text.Json;
using StratX.Fuzz;

namespace StratX.Benchmarks;

/// <summary>
/// Every parser target of tests/StratX.Fuzz.Tests fed N generated and mutated inputs (default 1,000,000):
/// inputs refused (with their reasons), read whole, crashes (must be 0), the slowest input. Exit 1 on a crash.
/// </summary>
public static class FuzzBenchmark
{
    public static int Run(long inputs, string? only, string? seed, bool json)
    {
        var targets = ParserTargets.All.Where(t => only is null || t.Name == only).ToList();
        if (targets.Count == 0)
        {
            Console.Error.WriteLine($"fuzz: no target named '{only}'; the targets: {string.Join(", ", ParserTargets.All.Select(t => t.Name))}.");
            return 2;
        }

        var crashed = false;
        if (!json)
        {
            Console.WriteLine($"{"target",-26} {"inputs",12} {"refused",12} {"read whole",12} {"crashes",8} {"slowest",10} {"elapsed",9}");
        }

        foreach (var target in targets)
        {
            var report = FuzzRun.Run(target, inputs, seed);
            crashed |= report.Crashes > 0;
            Console.WriteLine(json
                ? JsonSerializer.Serialize(new
                {
                    target = report.Target,
                    inputs = report.Inputs,
                    refused = report.WithRejections,
                    readWhole = report.AcceptedOnly,
                    crashes = report.Crashes,
                    slowestMs = Math.Round(report.Slowest.TotalMilliseconds, 3),
                    elapsedS = Math.Round(report.Elapsed.TotalSeconds, 1),
                    firstCrash = report.FirstCrash,
                })
                : string.Create(CultureInfo.InvariantCulture, $"{report.Target,-26} {report.Inputs,12:N0} {report.WithRejections,12:N0} {report.AcceptedOnly,12:N0} {report.Crashes,8:N0} {report.Slowest.TotalMilliseconds,8:F2}ms {report.Elapsed.TotalSeconds,8:F1}s"));
            if (report.FirstCrash is { } first && !json)
            {
                Console.WriteLine($"  first crash: {first}");
            }
        }

        return crashed ? 1 : 0;
    }
}
