namespace StratX.Fuzz.Afl;

/// <summary>
/// One parser target as afl-fuzz sees it: an input is parsed once, and anything but an outcome whose every
/// rejection has a reason is a crash (an exception afl-fuzz records with the input).
/// </summary>
public static class AflHarness
{
    /// <summary>
    /// A coverage map for runs without afl-fuzz (--list, --write-seeds, --replay): the branches of assemblies
    /// instrumented by sharpfuzz write into SharpFuzz's map, which only afl-fuzz's shared memory provides otherwise.
    /// </summary>
    public static unsafe void GiveCoverageMap() =>
        SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);

    /// <summary>Parses one input; throws <see cref="RejectionWithoutReasonException"/> when a rejection gives no reason.</summary>
    public static ParseOutcome Check(ParserTarget target, byte[] input)
    {
        var outcome = target.Parse(input);
        if (outcome.Rejections.Any(string.IsNullOrWhiteSpace))
        {
            throw new RejectionWithoutReasonException(target.Name, input.Length);
        }

        return outcome;
    }

    /// <summary>The call afl-fuzz's fork server makes for each input: the whole input read, then parsed.</summary>
    public static void RunOnce(ParserTarget target, Stream input)
    {
        using var memory = new MemoryStream();
        input.CopyTo(memory);
        Check(target, memory.ToArray());
    }

    /// <summary>Every file of <paramref name="dir"/> through the target: what each became; 1 if any crashed.</summary>
    public static int Replay(ParserTarget target, string dir)
    {
        if (!Directory.Exists(dir))
        {
            Console.Error.WriteLine($"replay: no folder {dir}.");
            return 2;
        }

        var crashes = 0;
        var files = Directory.EnumerateFiles(dir).Where(f => Path.GetFileName(f) != "README.txt").Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var input = File.ReadAllBytes(file);
            try
            {
                var outcome = Check(target, input);
                Console.WriteLine(outcome.Rejections.Count == 0
                    ? $"{file}: read, {outcome.Accepted} accepted"
                    : $"{file}: {outcome.Accepted} accepted, {outcome.Rejections.Count} refused, the first: {outcome.Rejections[0]}");
            }
            catch (Exception e)
            {
                crashes++;
                Console.WriteLine($"{file}: CRASH {e.GetType().FullName}: {e.Message}");
                Console.WriteLine(e.StackTrace);
            }
        }

        Console.WriteLine($"replay {target.Name}: {files.Count} inputs, {crashes} crashes.");
        return crashes > 0 ? 1 : 0;
    }

    /// <summary>The target's seeds as files of <paramref name="dir"/>; a seed over <paramref name="maxBytes"/> is cut to its whole lines under it.</summary>
    public static int WriteSeeds(ParserTarget target, string dir, int maxBytes)
    {
        Directory.CreateDirectory(dir);
        for (var i = 0; i < target.Seeds.Count; i++)
        {
            var seed = target.Seeds[i];
            if (seed.Length > maxBytes)
            {
                var cut = Array.LastIndexOf(seed, (byte)'\n', maxBytes - 1);
                var kept = cut > 0 ? seed[..(cut + 1)] : seed[..maxBytes];
                Console.WriteLine($"{target.Name}: seed {i} is {seed.Length:N0} bytes, over afl-fuzz's {maxBytes:N0}; its first {kept.Length:N0} bytes (whole lines) are the corpus file.");
                seed = kept;
            }

            File.WriteAllBytes(Path.Combine(dir, $"seed-{i:D2}"), seed);
        }

        return 0;
    }
}

/// <summary>A parser refused an input without saying why: a crash for afl-fuzz.</summary>
public sealed class RejectionWithoutReasonException(string target, int length)
    : Exception($"{target}: an input of {length} bytes was refused without a reason.");
