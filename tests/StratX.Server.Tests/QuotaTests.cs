using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StratX.Grains.Views;
using StratX.Server.Observability;

namespace StratX.Server.Tests;

/// <summary>A tenant held to its quotas: replays at once, simulations at once, and the pace of a full-speed replay.</summary>
public class QuotaTests
{
    private const string OperatorKey = "operator-key-of-the-quota-tests";
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_tenant_at_its_session_quota_gets_429_until_one_of_its_replays_ends_and_other_tenants_are_not_counted()
    {
        await using var server = await RunningServer.LaunchAsync($"--{OperatorAccess.KeySetting}", OperatorKey);
        using var team = await TeamAsync(server, "quota-team", new { concurrentSessions = 2, concurrentSimulations = 1, replayEventsPerSecond = 1_000_000 });

        // Two slow replays fill the quota; a third is refused with the reason; the demo tenant's replay is not the team's.
        Assert.Equal(HttpStatusCode.Accepted, (await Start(team, "one", "1")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Start(team, "two", "1")).StatusCode);
        await server.StartAsync("2021-22-abu-dhabi-grand-prix", speed: "1", sessionId: "demo-slow", includeTelemetry: false);
        using var third = await Start(team, "three", "1");
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("ConcurrentSessions", await third.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var usage = await team.GetFromJsonAsync<JsonElement>("/api/v1/quotas", Ct);
        Assert.Equal(2, usage.GetProperty("runningSessions").GetInt32());

        // Starting one of its running sessions again is not a new session; stopping one frees its place.
        Assert.Equal(HttpStatusCode.Conflict, (await Start(team, "two", "1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await team.DeleteAsync("/api/v1/sessions/one/replay", Ct)).StatusCode);
        while ((await team.GetFromJsonAsync<JsonElement>("/api/v1/quotas", Ct)).GetProperty("runningSessions").GetInt32() != 1)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Equal(HttpStatusCode.Accepted, (await Start(team, "three", "1")).StatusCode);
        await team.DeleteAsync("/api/v1/sessions/two/replay", Ct);
        await team.DeleteAsync("/api/v1/sessions/three/replay", Ct);
        await server.Http.DeleteAsync("/api/v1/sessions/demo-slow/replay", Ct);
    }

    [Fact]
    public async Task Replays_started_at_the_same_instant_take_only_the_places_the_session_quota_has()
    {
        await using var server = await RunningServer.LaunchAsync($"--{OperatorAccess.KeySetting}", OperatorKey);
        using var team = await TeamAsync(server, "burst-team", new { concurrentSessions = 2, concurrentSimulations = 1, replayEventsPerSecond = 1_000_000 });

        // Eight starts sent together: a quota only checked lets several through before any has started.
        var sessions = Enumerable.Range(1, 8).Select(i => $"burst-{i}").ToList();
        var answers = await Task.WhenAll(sessions.Select(s => Start(team, s, "1")));
        var codes = answers.Select(a => a.StatusCode).ToList();
        Assert.Equal(2, codes.Count(c => c == HttpStatusCode.Accepted));
        Assert.Equal(6, codes.Count(c => c == HttpStatusCode.TooManyRequests));
        Assert.Equal(2, (await team.GetFromJsonAsync<JsonElement>("/api/v1/quotas", Ct)).GetProperty("runningSessions").GetInt32());

        // Only the started sessions are listed: a refused start leaves nothing behind.
        var started = sessions.Where((_, i) => codes[i] == HttpStatusCode.Accepted).ToHashSet();
        var listed = (await team.GetFromJsonAsync<JsonElement>("/api/v1/sessions", Ct)).EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToHashSet();
        Assert.Equal(started, listed);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }

        foreach (var session in started)
        {
            Assert.Equal(HttpStatusCode.OK, (await team.DeleteAsync($"/api/v1/sessions/{session}/replay", Ct)).StatusCode);
        }
    }

    [Fact]
    public async Task A_full_speed_replay_is_held_to_the_tenants_events_per_second_and_still_delivers_everything()
    {
        await using var server = await RunningServer.LaunchAsync($"--{OperatorAccess.KeySetting}", OperatorKey);
        const int rate = 400;
        using var team = await TeamAsync(server, "paced-team", new { concurrentSessions = 1, concurrentSimulations = 1, replayEventsPerSecond = rate });
        var unpaced = await ReplayAsync(server.Http, "unpaced");
        var watch = Stopwatch.StartNew();
        var paced = await ReplayAsync(team, "paced");
        var elapsed = watch.Elapsed;

        // The same race: the same events reach the grains either way.
        Assert.Equal(unpaced.Ingestion!.Events, paced.Ingestion!.Events);
        Assert.Equal(unpaced.Ingestion.Applied, paced.Ingestion.Applied);
        Assert.Equal(unpaced.LeaderLap, paced.LeaderLap);

        // A bucket of a tenth of a second's events may go at once; the rest waits for the refills.
        var least = TimeSpan.FromSeconds((paced.Ingestion.Events - rate / 10.0) / rate);
        Assert.True(elapsed >= least, $"{paced.Ingestion.Events} events at {rate}/s took {elapsed.TotalSeconds:0.0} s; the quota allows no less than {least.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_tenant_with_its_simulation_running_gets_429_for_another_and_another_tenant_does_not()
    {
        await using var server = await RunningServer.LaunchAsync($"--{OperatorAccess.KeySetting}", OperatorKey);
        using var team = await TeamAsync(server, "sim-team", new { concurrentSessions = 1, concurrentSimulations = 1, replayEventsPerSecond = 1000 });
        var body = new
        {
            totalLaps = 57,
            lapsCompleted = 5,
            cars = Enumerable.Range(1, 20).Select(i => new { id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), gapToLeader = i * 1.5, basePace = 93.5 + i * 0.05, compound = "MEDIUM", tyreAge = 5 }).ToArray(),
            runs = SimulationsApiRuns,
            seed = 1,
        };

        // Keep one of the team's simulations running while it asks for more; the demo tenant meanwhile asks once.
        // (The big one may itself find the slot taken by a small one for a moment: it asks again.)
        var first = Task.Run(async () =>
        {
            while (true)
            {
                var response = await team.PostAsJsonAsync("/api/v1/simulations", body, Ct);
                if (response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    return response;
                }
            }
        });
        var refused = 0;
        var demo = HttpStatusCode.OK;
        while (!first.IsCompleted)
        {
            using var second = await team.PostAsJsonAsync("/api/v1/simulations", new { body.totalLaps, body.lapsCompleted, body.cars, runs = 10, seed = 2 }, Ct);
            if (second.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused++;
                Assert.Contains("ConcurrentSimulations", await second.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
                using var other = await server.Http.PostAsJsonAsync("/api/v1/simulations", new { body.totalLaps, body.lapsCompleted, body.cars, runs = 10, seed = 2 }, Ct);
                demo = other.StatusCode;
                break;
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.True(refused == 1, "the team's second simulation was never refused while its first ran");
        Assert.Equal(HttpStatusCode.OK, demo);
        Assert.Equal(HttpStatusCode.OK, (await team.PostAsJsonAsync("/api/v1/simulations", new { body.totalLaps, body.lapsCompleted, body.cars, runs = 10, seed = 2 }, Ct)).StatusCode);
    }

    private const int SimulationsApiRuns = 100_000;

    private static async Task<HttpResponseMessage> Start(HttpClient team, string sessionId, string speed) =>
        await team.PostAsJsonAsync("/api/v1/sessions", new { race = "2021-22-abu-dhabi-grand-prix", speed, sessionId, includeTelemetry = false }, RunningServer.Json, Ct);

    private static async Task<SessionSummary> ReplayAsync(HttpClient client, string sessionId)
    {
        using var started = await client.PostAsJsonAsync("/api/v1/sessions", new { race = "2021-22-abu-dhabi-grand-prix", speed = "max", sessionId, includeTelemetry = false }, RunningServer.Json, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        while (true)
        {
            var summary = (await client.GetFromJsonAsync<SessionSummary>($"/api/v1/sessions/{sessionId}", RunningServer.Json, Ct))!;
            if (summary.Ingestion is { IsFinished: true })
            {
                return summary;
            }

            await Task.Delay(100, Ct);
        }
    }

    /// <summary>A tenant made by the operator with the given quotas; the client signs in with its admin key.</summary>
    private static async Task<HttpClient> TeamAsync(RunningServer server, string id, object quotas)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tenants") { Content = JsonContent.Create(new { id, quotas }) };
        request.Headers.Add(OperatorAccess.KeyHeader, OperatorKey);
        using var created = await server.SendAnonymousAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("adminKey").GetProperty("key").GetString()!;
        var client = server.Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }
}
