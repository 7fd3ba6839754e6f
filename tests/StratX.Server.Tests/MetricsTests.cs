using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using StratX.Grains.Views;
using StratX.Server.Hubs;

namespace StratX.Server.Tests;

/// <summary>
/// Run alone: OpenTelemetry's provider listens to every meter of its name in the process, and the other test
/// classes' servers live in this process too (a node runs one server per process).
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>/metrics (Prometheus text) after real replays, a simulation and a strategy plan on the real server.</summary>
[Collection(nameof(MetricsCollection))]
public partial class MetricsTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_replay_a_simulation_and_a_plan_show_every_stratx_metric_with_plausible_values_and_no_tenant_or_session()
    {
        // A watcher, so updates leave for a browser; Bahrain 2023 with every car's telemetry at full speed.
        const string watched = "metrics-bahrain";
        await using var hub = server.Hub();
        await hub.StartAsync(Ct);
        await hub.InvokeAsync<SessionSnapshot>("JoinSession", watched, Ct);
        await server.StartAsync("2023-bahrain-race", sessionId: watched);
        var bahrain = await server.WaitForIngestionAsync(watched);

        var simulation = await server.Http.PostAsJsonAsync("/api/v1/simulations", new
        {
            totalLaps = 57,
            lapsCompleted = 30,
            cars = new[] { new { id = "1", gapToLeader = 0.0, basePace = 93.6, compound = "MEDIUM", tyreAge = 25 }, new { id = "11", gapToLeader = 3.0, basePace = 93.4, compound = "HARD", tyreAge = 4 } },
            runs = 500,
            seed = 3,
        }, RunningServer.Json, Ct);
        Assert.Equal(HttpStatusCode.OK, simulation.StatusCode);

        // A followed car's plan: 2021 Abu Dhabi from lap 20 at 40×.
        const string planned = "metrics-abu-dhabi";
        var start = await server.Http.PostAsJsonAsync("/api/v1/sessions", new { race = "2021-22-abu-dhabi-grand-prix", speed = "40", sessionId = planned, includeTelemetry = false, paceFromLap = 20 }, RunningServer.Json, Ct);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        try
        {
            var metrics = await Eventually(async () =>
            {
                if ((await server.Http.GetFromJsonAsync<SessionSummary>($"/api/v1/sessions/{planned}", RunningServer.Json, Ct))!.LeaderLap >= 20)
                {
                    await server.Http.GetAsync($"/api/v1/sessions/{planned}/cars/33/strategy?wait=5", Ct);
                }

                var scraped = await Scrape();
                return scraped.Sum("stratx_recommendations_total") >= 1 ? scraped : null;
            });

            // This server (the class's own) replayed telemetry only for Bahrain: the counter is its sample count.
            Assert.Equal(bahrain.Ingestion!.TelemetrySamples, metrics.Sum("stratx_events_ingested_total", "source=\"replay\"", "kind=\"telemetry\""));
            Assert.True(bahrain.Ingestion.TelemetrySamples > 100_000);
            Assert.True(metrics.Sum("stratx_events_ingested_total", "kind=\"timing\"") > 1000, "timing events ingested");
            Assert.True(metrics.Sum("stratx_events_ingested_total", "kind=\"race-control\"") > 0, "race-control events ingested");
            Assert.Equal(0, metrics.Sum("stratx_events_rejected_total", "source=\"replay\"", "reason=\"invalid-input\""));
            Assert.True(metrics.Has("stratx_events_rejected_total"), "the rejection series exists before any rejection");

            foreach (var histogram in new[] { "stratx_ingest_lag_seconds", "stratx_lap_to_client_latency_seconds" })
            {
                var count = metrics.Sum($"{histogram}_count");
                Assert.True(count > 100, $"{histogram}: {count} observations");
                var mean = metrics.Sum($"{histogram}_sum") / count;
                Assert.InRange(mean, 0.000001, 10);
            }

            Assert.True(metrics.Sum("stratx_lap_to_client_latency_seconds_count", "kind=\"car\"") > 0);
            Assert.True(metrics.Sum("stratx_predictions_total", "task=\"next-lap\"", "source=\"model\"") > 500, "next-lap predictions by the model");
            Assert.Contains(metrics.Lines("stratx_predictions_total"), l => VersionLabel().IsMatch(l));
            Assert.True(metrics.Has("stratx_model_fallbacks_total"), "fallback series per predicted task");
            Assert.True(metrics.Sum("stratx_simulation_runs_total", "kind=\"interactive\"") >= 1, "the simulation request");
            Assert.True(metrics.Sum("stratx_simulation_duration_seconds_count") >= 2, "the simulation request and the plan");
            Assert.True(metrics.Sum("stratx_recommendations_total") >= 1);
            Assert.Contains(metrics.All, l => l.StartsWith("orleans_", StringComparison.Ordinal));

            // No tenant, session or grain key as a dimension.
            Assert.DoesNotContain(metrics.All, l => l.Contains("demo", StringComparison.Ordinal) || l.Contains(watched, StringComparison.Ordinal) || l.Contains(planned, StringComparison.Ordinal));
        }
        finally
        {
            await server.Http.DeleteAsync($"/api/v1/sessions/{planned}/replay", Ct);
        }
    }

    private async Task<Scraped> Scrape()
    {
        var response = await server.Http.GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Scraped([.. (await response.Content.ReadAsStringAsync(Ct)).Split('\n').Where(l => l.Length > 0 && l[0] != '#')]);
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe)
        where T : class
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "no strategy plan was counted within 2 minutes");
            await Task.Delay(500, Ct);
        }
    }

    [GeneratedRegex("version=\"v\\d+\"")]
    private static partial Regex VersionLabel();

    /// <summary>The sample lines of a scrape.</summary>
    private sealed record Scraped(IReadOnlyList<string> All)
    {
        public IEnumerable<string> Lines(string name) => All.Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal));

        public bool Has(string name) => Lines(name).Any();

        /// <summary>The sum of a metric's samples whose labels include every one given.</summary>
        public double Sum(string name, params string[] labels) =>
            Lines(name).Where(l => labels.All(label => l.Contains(label, StringComparison.Ordinal)))
                .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
