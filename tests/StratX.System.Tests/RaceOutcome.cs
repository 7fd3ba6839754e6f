using System.Text.Json.Nodes;

namespace StratX.System.Tests;

/// <summary>
/// What a finished replay left in the grains, as the REST API tells it: every car's laps and stints, the
/// session's pit stops and the final classification. Two runs of the same race must leave the same.
/// </summary>
public sealed record RaceOutcome(
    IReadOnlyDictionary<string, string> Laps,
    IReadOnlyDictionary<string, string> Stints,
    string PitStops,
    string Classification,
    int LapCount,
    int StopCount)
{
    public static async Task<RaceOutcome> ReadAsync(HttpClient http, string sessionId)
    {
        var classification = JsonNode.Parse(await http.GetStringAsync($"/api/v1/sessions/{sessionId}/classification"))!;
        var laps = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var stints = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var lapCount = 0;
        foreach (var row in classification["rows"]!.AsArray())
        {
            var car = (string)row!["car"]!;
            var carLaps = JsonNode.Parse(await http.GetStringAsync($"/api/v1/sessions/{sessionId}/cars/{car}/laps"))!;
            lapCount += carLaps.AsArray().Count;
            laps[car] = carLaps.ToJsonString();
            stints[car] = JsonNode.Parse(await http.GetStringAsync($"/api/v1/sessions/{sessionId}/cars/{car}/stints"))!.ToJsonString();
        }

        var session = JsonNode.Parse(await http.GetStringAsync($"/api/v1/sessions/{sessionId}"))!;
        var stops = session["pitStops"]!.AsArray();
        var ordered = new JsonArray([.. stops.OrderBy(s => (string)s!["car"]!, StringComparer.Ordinal).ThenBy(s => (int)s!["stopNumber"]!).Select(s => s!.DeepClone())]);
        classification.AsObject().Remove("session");
        return new RaceOutcome(laps, stints, ordered.ToJsonString(), classification.ToJsonString(), lapCount, stops.Count);
    }

    /// <summary>The cars with a telemetry summary on any of their laps, in car order.</summary>
    public IReadOnlyList<string> CarsWithTelemetry() =>
        [.. Laps.Where(l => JsonNode.Parse(l.Value)!.AsArray().Any(lap => lap!["telemetry"] is JsonObject)).Select(l => l.Key).Order(StringComparer.Ordinal)];

    /// <summary>Every difference from <paramref name="expected"/>, as lines a person can read.</summary>
    public IReadOnlyList<string> Differences(RaceOutcome expected)
    {
        var differences = new List<string>();
        foreach (var car in expected.Laps.Keys.Union(Laps.Keys))
        {
            if (expected.Laps.GetValueOrDefault(car) != Laps.GetValueOrDefault(car))
            {
                differences.Add($"car {car}: laps differ ({Count(Laps.GetValueOrDefault(car))} vs {Count(expected.Laps.GetValueOrDefault(car))} expected){FirstDifference(Laps.GetValueOrDefault(car), expected.Laps.GetValueOrDefault(car))}");
            }

            if (expected.Stints.GetValueOrDefault(car) != Stints.GetValueOrDefault(car))
            {
                differences.Add($"car {car}: stints differ: {Stints.GetValueOrDefault(car)} vs {expected.Stints.GetValueOrDefault(car)}");
            }
        }

        if (PitStops != expected.PitStops)
        {
            differences.Add($"pit stops differ ({StopCount} vs {expected.StopCount} expected)");
        }

        if (Classification != expected.Classification)
        {
            differences.Add($"classification differs: {Classification} vs {expected.Classification}");
        }

        return differences;
    }

    /// <summary>The first element that differs, as both sides have it.</summary>
    private static string FirstDifference(string? actual, string? expected)
    {
        var a = actual is null ? [] : JsonNode.Parse(actual)!.AsArray();
        var e = expected is null ? [] : JsonNode.Parse(expected)!.AsArray();
        for (var i = 0; i < Math.Min(a.Count, e.Count); i++)
        {
            if (a[i]!.ToJsonString() != e[i]!.ToJsonString())
            {
                return $": first at index {i}: {a[i]!.ToJsonString()} vs expected {e[i]!.ToJsonString()}";
            }
        }

        return "";
    }

    private static int Count(string? json) => json is null ? 0 : JsonNode.Parse(json)!.AsArray().Count;
}
