using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using StratX.Domain.Predictions;
using StratX.Grains.Updates;
using StratX.Grains.Views;
using StratX.Server.Hubs;

namespace StratX.Server.Tests;

/// <summary>Predictions scored every lap in the grains, over SignalR and REST; model versions rolled out and back while the server runs.</summary>
public class PredictionsApiTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly JsonSerializerOptions Json = RunningServer.Json;

    [Fact]
    public async Task Every_car_is_scored_every_lap_by_versioned_models_and_a_rollout_shows_in_the_next_updates()
    {
        var ct = TestContext.Current.CancellationToken;
        var models = await server.Http.GetFromJsonAsync<JsonElement>("/api/v1/models", Json, ct);
        var pitTask = models.EnumerateArray().Single(t => t.GetProperty("task").GetString() == "pit-next-lap");
        var active = pitTask.GetProperty("activeVersion").GetInt32();
        Assert.Contains(active, pitTask.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.NotEqual(1, active);
        Assert.All(models.EnumerateArray(), t => Assert.True(t.GetProperty("activeVersion").ValueKind == JsonValueKind.Number, $"{t.GetProperty("task")} has no active version: {t.GetProperty("problem")}"));

        var sessionId = "predictions-abu-dhabi";
        var updates = new ConcurrentQueue<PredictionsUpdate>();
        IEnumerable<CarPredictions> Received(string session) => updates.Where(u => u.Session.Session.Value == session).Select(u => u.Predictions);
        await using var hub = server.Hub();
        hub.On<PredictionsUpdate>(UpdateKinds.Predictions, updates.Enqueue);
        await hub.StartAsync(ct);
        await hub.InvokeAsync<SessionSnapshot>("JoinSession", sessionId, ct);
        await server.StartAsync("2021-22-abu-dhabi-grand-prix", sessionId: sessionId, includeTelemetry: false);
        await server.WaitForIngestionAsync(sessionId);
        await WaitUntil(() => Received(sessionId).Any(p => p.Car.Value == "33" && p.Lap == 58 && p.NextLap is not null));
        var received = Received(sessionId).ToList();

        // The session's part (next lap, pit, overtake, pit loss, hazard) and the car's part (degradation, anomaly) both arrive.
        var field = received.Where(p => p.NextLap is not null).ToList();
        var classification = await server.Http.GetFromJsonAsync<Classification>($"/api/v1/sessions/{sessionId}/classification", Json, ct);
        Assert.Equal(classification!.Rows.Count, field.Select(p => p.Car).Distinct().Count());
        Assert.All(field, p =>
        {
            // Only a lap without a time (a car coming into the pits, a timing gap) has no model prediction.
            Assert.True(p.NextLap!.Origin.Source == PredictionSource.Model || p.NextLap.Origin.Note == "no timed lap to predict from", p.NextLap.Origin.Note);
            Assert.InRange(p.PitNextLap!.Probability, 0, 1);
            if (p.PitNextLap.Origin.Source == PredictionSource.Model)
            {
                Assert.Equal(active, p.PitNextLap.Origin.Version);
            }
            else
            {
                // A car on its in-lap is not a case the pit model was trained on: the rule says so.
                Assert.Equal("the car has just pitted", p.PitNextLap.Origin.Note);
            }
        });
        Assert.True(field.Count(p => p.PitNextLap!.Origin.Source == PredictionSource.Model) > 0.9 * field.Count);
        Assert.Contains(received, p => p.Degradation is not null && p.NextLap is null);
        var laps33 = field.Where(p => p.Car.Value == "33").Select(p => p.Lap).Distinct().Count();
        Assert.True(laps33 >= 50, $"car 33 was scored after {laps33} laps");

        var rest = await server.Http.GetFromJsonAsync<CarPredictions>($"/api/v1/sessions/{sessionId}/cars/44/predictions", Json, ct);
        Assert.NotNull(rest!.NextLap);
        Assert.NotNull(rest.Degradation);
        Assert.NotNull(rest.Hazard);
        Assert.NotNull(rest.PitLoss);
        Assert.InRange(rest.PitLoss.Green, 10, 40);
        Assert.Equal(58, rest.Lap);
        Assert.Equal("33", rest.Overtake?.Target.Value);

        // Roll the pit model back to v1 while the server runs: the next replay's updates carry v1; then back again.
        var rollout = await server.Http.PostAsJsonAsync("/api/v1/models/pit-next-lap/rollout", new { version = 1 }, Json, ct);
        Assert.Equal(HttpStatusCode.OK, rollout.StatusCode);
        Assert.Equal(1, (await rollout.Content.ReadFromJsonAsync<JsonElement>(Json, ct)).GetProperty("activeVersion").GetInt32());
        var second = "predictions-after-rollout";
        await hub.InvokeAsync<SessionSnapshot>("JoinSession", second, ct);
        await server.StartAsync("2021-22-abu-dhabi-grand-prix", sessionId: second, includeTelemetry: false);
        await server.WaitForIngestionAsync(second);
        await WaitUntil(() => Received(second).Any(p => p.Lap == 58 && p.PitNextLap is not null));
        var afterRollout = Received(second).Where(p => p.PitNextLap is { Origin.Source: PredictionSource.Model }).ToList();
        Assert.NotEmpty(afterRollout);
        Assert.All(afterRollout, p => Assert.Equal(1, p.PitNextLap!.Origin.Version));

        var rollback = await server.Http.PostAsync("/api/v1/models/pit-next-lap/rollback", null, ct);
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        Assert.Equal(active, (await rollback.Content.ReadFromJsonAsync<JsonElement>(Json, ct)).GetProperty("activeVersion").GetInt32());
    }

    [Theory]
    [InlineData("/api/v1/models/pit-next-lap/rollout", """{"version": 99}""", HttpStatusCode.Conflict, "There is no version 99 of pit-next-lap")]
    [InlineData("/api/v1/models/pit-next-lap/rollout", """{"version": "two"}""", HttpStatusCode.BadRequest, "The body is not {")]
    [InlineData("/api/v1/models/pit-next-lap/rollout", """{"version": -1}""", HttpStatusCode.BadRequest, "a positive version number")]
    [InlineData("/api/v1/models/lap-chart/rollout", """{"version": 1}""", HttpStatusCode.NotFound, "There is no model task 'lap-chart'")]
    [InlineData("/api/v1/models/next-lap/rollback", "", HttpStatusCode.Conflict, "no earlier version to roll back to")]
    public async Task A_bad_model_change_is_refused_with_the_reason_and_changes_nothing(string path, string body, HttpStatusCode status, string reason)
    {
        var ct = TestContext.Current.CancellationToken;
        var before = await server.Http.GetStringAsync("/api/v1/models", ct);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        var response = await server.Http.PostAsync(path, body.Length == 0 ? null : content, ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(ActiveVersions(before), ActiveVersions(await server.Http.GetStringAsync("/api/v1/models", ct)));
    }

    [Fact]
    public async Task Predictions_of_a_car_or_session_that_does_not_exist_are_404()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("/api/v1/sessions/no-such-session/cars/44/predictions", ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Http.GetAsync("/api/v1/sessions/no-such-session/cars/forty-four!/predictions", ct)).StatusCode);
    }

    private static string ActiveVersions(string models) =>
        string.Join(",", JsonDocument.Parse(models).RootElement.EnumerateArray().Select(t => $"{t.GetProperty("task")}={t.GetProperty("activeVersion")}"));

    private static async Task WaitUntil(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "the condition did not hold within two minutes");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
