namespace StratX.Fuzz.Tests;

/// <summary>
/// Every parser takes 20,000 generated and mutated inputs without a crash or a hang, and every rejection says
/// why. The million-input runs are in the benchmarks (docs/SECURITY.md).
/// </summary>
public class ParserFuzzTests(ITestOutputHelper output)
{
    private const int Inputs = 20_000;

    public static TheoryData<string> Targets => [.. ParserTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void A_parser_fed_mutated_real_inputs_never_crashes_and_gives_every_rejection_a_reason(string name)
    {
        var target = ParserTargets.All.Single(t => t.Name == name);
        var report = FuzzRun.Run(target, Inputs);
        output.WriteLine(report.ToString());

        Assert.True(report.Crashes == 0, $"{report.Crashes} crash(es); the first: {report.FirstCrash}");
        Assert.Equal(Inputs, report.WithRejections + report.AcceptedOnly);

        // The mutations reach both sides of the parser: inputs it refuses and inputs it reads whole.
        Assert.True(report.WithRejections > Inputs / 10, $"only {report.WithRejections} inputs were refused");
        Assert.True(report.AcceptedOnly > 0, "no input was read without a rejection");
    }

    [Fact]
    public void Every_seed_is_read_whole()
    {
        foreach (var target in ParserTargets.All)
        {
            foreach (var seed in target.Seeds)
            {
                var outcome = target.Parse(seed);
                Assert.True(outcome.Rejections.Count == 0, $"{target.Name}: a seed is rejected: {string.Join("; ", outcome.Rejections)}");
                Assert.True(outcome.Accepted > 0, $"{target.Name}: a seed gives nothing");
            }
        }
    }
}
