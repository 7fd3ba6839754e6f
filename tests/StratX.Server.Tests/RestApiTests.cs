using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using StratX.Domain.Laps;
using StratX.Grains.Views;

namespace StratX.Server.Tests;

/// <summary>The REST API over one real replay of 2021 Abu Dhabi.</summary>
public class RestApiTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly JsonSerializerOptions Json = RunningServer.Json;

    [Fact]
    public async Task Health_and_the_openapi_document_are_served()
    {
        var health = await server.Http.GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);
        Assert.Equal("Healthy", health.GetProperty("status").GetString());

        var openApi = await server.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/sessions", "/api/v1/sessions/{sessionId}", "/api/v1/sessions/{sessionId}/classification", "/api/v1/sessions/{sessionId}/cars/{car}", "/api/v1/sessions/{sessionId}/cars/{car}/laps", "/api/v1/sessions/{sessionId}/cars/{car}/stints", "/api/v1/sessions/{sessionId}/cars/{car}/strategy", "/api/v1/sessions/{sessionId}/cars/{car}/strategy/compare", "/api/v1/simulations", "/api/v1/races" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not in the OpenAPI document");
        }

        var ui = await server.Http.GetAsync("/scalar/v1", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
    }

    [Fact]
    public async Task A_replayed_session_serves_its_summary_classification_cars_laps_and_stints()
    {
        var sessionId = await server.StartAsync("2021-22-abu-dhabi-grand-prix");
        var summary = await server.WaitForIngestionAsync(sessionId);

        Assert.Equal("2021 Abu Dhabi Grand Prix", summary.Race!.Name);
        Assert.Equal(58, summary.LeaderLap);
        var list = await server.Http.GetFromJsonAsync<JsonElement>("/api/v1/sessions", Json, TestContext.Current.CancellationToken);
        Assert.Contains(list.EnumerateArray(), s => s.GetProperty("id").GetString() == sessionId && s.GetProperty("phase").GetString() == "ended");

        var classification = await server.Http.GetFromJsonAsync<Classification>($"/api/v1/sessions/{sessionId}/classification", Json, TestContext.Current.CancellationToken);
        Assert.Equal(["VER", "HAM", "SAI"], classification!.Rows.Take(3).Select(r => r.DriverCode));

        var car = await server.Http.GetFromJsonAsync<CarView>($"/api/v1/sessions/{sessionId}/cars/44", Json, TestContext.Current.CancellationToken);
        Assert.Equal(("HAM", 2, 58), (car!.DriverCode, car.Position, car.LapsCompleted));
        var laps = await server.Http.GetFromJsonAsync<List<LapRecord>>($"/api/v1/sessions/{sessionId}/cars/44/laps", Json, TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(1, 58), laps!.Select(l => l.LapNumber));
        var stints = await server.Http.GetFromJsonAsync<List<StintView>>($"/api/v1/sessions/{sessionId}/cars/44/stints", Json, TestContext.Current.CancellationToken);
        Assert.Equal(2, stints!.Count);
        Assert.NotNull(stints[1].Degradation);
        Assert.InRange(stints[1].Degradation!.Value.SlopeSecondsPerLap, -0.2, 0.3);
    }

    [Theory]
    [InlineData("/api/v1/sessions/no-such-session", HttpStatusCode.NotFound, "Session not found")]
    [InlineData("/api/v1/sessions/no-such-session/classification", HttpStatusCode.NotFound, "Session not found")]
    [InlineData("/api/v1/sessions/Bad%20Id", HttpStatusCode.BadRequest, "Invalid session id")]
    [InlineData("/api/v1/sessions/no-such-session/cars/999999999", HttpStatusCode.BadRequest, "Invalid car")]
    [InlineData("/api/v1/sessions/no-such-session/cars/44", HttpStatusCode.NotFound, "Car not found")]
    public async Task Bad_requests_get_problem_details(string url, HttpStatusCode status, string title)
    {
        var response = await server.Http.GetAsync(url, TestContext.Current.CancellationToken);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(TestContext.Current.CancellationToken);
        Assert.Equal(title, problem!.Title);
    }

    [Theory]
    [InlineData("""{"race":"no-such-race"}""", "Unknown race")]
    [InlineData("""{"race":"2023-bahrain-race","speed":"fast"}""", "Invalid speed")]
    [InlineData("""{"race":"2023-bahrain-race","speed":"-3"}""", "Invalid speed")]
    [InlineData("""{"race":"2023-bahrain-race","sessionId":"Not Valid"}""", "Invalid session id")]
    [InlineData("""{"race":"2023-bahrain-race","telemetryCars":[]}""", "Invalid telemetryCars", "must name 1 to 30 cars (was 0)")]
    [InlineData("""{"race":"2023-bahrain-race","telemetryCars":["1","../etc"]}""", "Invalid telemetryCars", "'../etc' is not a car")]
    [InlineData("""{"race":"2023-bahrain-race","telemetryCars":["44","44"]}""", "Invalid telemetryCars", "names a car twice")]
    [InlineData("""{"race":"2023-bahrain-race","telemetryCars":["1","99"]}""", "Invalid telemetryCars", "no telemetry for car 99")]
    [InlineData("""{"race":"2023-bahrain-race","telemetryCars":["1"],"includeTelemetry":false}""", "Invalid telemetryCars", "send one or the other")]
    [InlineData("""{"race":"2021-22-abu-dhabi-grand-prix","telemetryCars":["33"]}""", "Invalid telemetryCars", "timing-only recording")]
    public async Task Invalid_replay_requests_are_refused_with_the_reason(string body, string title, string? reason = null)
    {
        var response = await server.Http.PostAsync("/api/v1/sessions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(TestContext.Current.CancellationToken);
        Assert.Equal(title, problem!.Title);
        Assert.Contains(reason ?? "", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_replay_into_a_session_that_is_still_replaying_is_a_conflict()
    {
        var sessionId = await server.StartAsync("2023-bahrain-race", speed: "1", sessionId: "conflict");

        var response = await server.Http.PostAsJsonAsync("/api/v1/sessions", new { race = "2023-bahrain-race", sessionId }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var stop = await server.Http.DeleteAsync($"/api/v1/sessions/{sessionId}/replay", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
    }

    [Fact]
    public async Task The_bundled_races_are_listed()
    {
        var races = await server.Http.GetFromJsonAsync<JsonElement>("/api/v1/races", TestContext.Current.CancellationToken);

        var ids = races.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Contains("2023-bahrain-race", ids);
        Assert.Contains("2024-china-race", ids);
        Assert.Contains("2021-22-abu-dhabi-grand-prix", ids);
        // Two OpenF1 races and the 22 rounds of the 2021 FastF1 season file.
        Assert.Equal(24, ids.Count);
    }
}
