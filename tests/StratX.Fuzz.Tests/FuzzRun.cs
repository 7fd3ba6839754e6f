using System.Diagnostics;
using CsCheck;
using StratX.Tests;

namespace StratX.Fuzz;

/// <summary>The result of fuzzing one target.</summary>
public sealed record FuzzReport(string Target, long Inputs, long WithRejections, long AcceptedOnly, long Crashes, TimeSpan Slowest, TimeSpan Elapsed, string? FirstCrash);

/// <summary>
/// Feeds a target <c>n</c> inputs from <see cref="Mutations.Of"/> and checks each outcome: no exception the
/// target does not turn into a rejection, and every rejection gives a reason. An input still running after
/// <see cref="HangLimit"/> is a hang: it is written to a file and the process stops, since a hung parser
/// cannot be interrupted from inside.
/// </summary>
public static class FuzzRun
{
    public static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    public static FuzzReport Run(ParserTarget target, long inputs, string? seed = null)
    {
        long withRejections = 0, acceptedOnly = 0, crashes = 0, slowestTicks = 0, currentStart = 0;
        string? firstCrash = null;
        byte[]? current = null;
        var total = Stopwatch.StartNew();
        using var watchdog = new System.Threading.Timer(_ =>
        {
            var started = Interlocked.Read(ref currentStart);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > HangLimit && Volatile.Read(ref current) is { } input)
            {
                var path = Path.Combine(Path.GetTempPath(), $"stratx-fuzz-hang-{target.Name}-{Environment.ProcessId}.bin");
                File.WriteAllBytes(path, input);
                Environment.FailFast($"fuzz: {target.Name} has run one input for over {HangLimit.TotalSeconds} s (a hang); the input is in {path}.");
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        Mutations.Of(target.Seeds).Sample(input =>
        {
            Volatile.Write(ref current, input);
            var start = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref currentStart, start);
            try
            {
                var outcome = target.Parse(input);
                if (outcome.Rejections.Count > 0)
                {
                    withRejections++;
                    if (outcome.Rejections.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
                    {
                        Crash($"a rejection without a reason (input: {Shown(input)})");
                    }
                }
                else
                {
                    acceptedOnly++;
                }
            }
            catch (Exception e)
            {
                Crash($"{e.GetType().Name}: {e.Message} (input: {Shown(input)})");
            }
            finally
            {
                Interlocked.Exchange(ref currentStart, 0);
                slowestTicks = Math.Max(slowestTicks, Stopwatch.GetTimestamp() - start);
            }
        }, iter: inputs, threads: 1, seed: seed);

        return new FuzzReport(target.Name, inputs, withRejections, acceptedOnly, crashes,
            TimeSpan.FromSeconds(slowestTicks / (double)Stopwatch.Frequency), total.Elapsed, firstCrash);

        static string Shown(byte[] input) =>
            input.Length <= 600 ? Convert.ToBase64String(input) : $"{input.Length} bytes, base64 {Convert.ToBase64String(input)[..400]}…";

        void Crash(string what)
        {
            crashes++;
            firstCrash ??= what;
        }
    }
}
