using StratX.Domain.Identity;
using StratX.Grains.TeamTelemetry;
using StratX.Grains.Tests;

namespace StratX.Fuzz;

/// <summary>The team telemetry message (docs/TELEMETRY.md): the bytes a team puts on the Kafka topic.</summary>
public static class TeamTelemetryTargets
{
    public static IReadOnlyList<ParserTarget> All { get; } =
    [
        new("team-telemetry", Seeds(), input =>
        {
            var result = TeamTelemetryValidator.Validate(input);
            return result.Message is { } message
                ? new ParseOutcome(message.Samples.Length, [])
                : ParseOutcome.Rejected($"{result.Rejection!.Code}: {result.Rejection.Detail}");
        }),
    ];

    /// <summary>Real messages: Hamilton's car data from China 2024 in messages of 1, 5 and 40 samples, compact and indented.</summary>
    private static List<byte[]> Seeds()
    {
        var car = new SessionKey(TenantId.Demo, new SessionId("fuzz")).Car(new CarId("44"));
        var rows = RealTelemetry.Car(44);
        var seeds = new List<byte[]>();
        foreach (var (size, at) in new[] { (1, 1000), (5, 5000), (40, 20000) })
        {
            var json = RealTelemetry.Json(car, at, rows.Skip(at).Take(size));
            seeds.Add(json);
            seeds.Add(RealTelemetry.Indented(json));
        }

        return seeds;
    }
}
