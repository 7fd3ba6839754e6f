using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using StratX.Grains.Views;
using StratX.Server.Hubs;

namespace StratX.Server.Tests;

/// <summary>
/// What the metrics tests do on their server before reading /metrics: a watched full-speed replay of Bahrain
/// 2023 with every car's telemetry, a simulation request, and a followed car's strategy plan on Abu Dhabi 2021.
/// </summary>
internal static class MetricsWorkload
{
    public const string Watched = "metrics-bahrain";
    public const string Planned = "metrics-abu-dhabi";

    /// <summary>Runs it and returns Bahrain's summary and the first scrape that counts a strategy plan.</summary>
    public static async Task<(SessionSummary Bahrain, MetricsPage Metrics)> RunAsync(RunningServer server, CancellationToken ct)
    {
        // A watcher, so updates leave for a browser; Bahrain 2023 with every car's telemetry at full speed.
        await using var hub = server.Hub();
        await hub.StartAsync(ct);
        await hub.InvokeAsync<SessionSnapshot>("JoinSession", Watched, ct);
        await server.StartAsync("2023-bahrain-race", sessionId: Watched);
        var bahrain = await server.WaitForIngestionAsync(Watched);

        var simulation = await server.Http.PostAsJsonAsync("/api/v1/simulations", new
        {
            totalLaps = 57,
            lapsCompleted = 30,
            cars = new[] { new { id = "1", gapToLeader = 0.0, basePace = 93.6, compound = "MEDIUM", tyreAge = 25 }, new { id = "11", gapToLeader = 3.0, basePace = 93.4, compound = "HARD", tyreAge = 4 } },
            runs = 500,
            seed = 3,
        }, RunningServer.Json, ct);
        Assert.Equal(HttpStatusCode.OK, simulation.StatusCode);

        // A followed car's plan: 2021 Abu Dhabi from lap 20 at 40×.
        var start = await server.Http.PostAsJsonAsync("/api/v1/sessions", new { race = "2021-22-abu-dhabi-grand-prix", speed = "40", sessionId = Planned, includeTelemetry = false, paceFromLap = 20 }, RunningServer.Json, ct);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        try
        {
            var metrics = await Eventually(async () =>
            {
                if ((await server.Http.GetFromJsonAsync<SessionSummary>($"/api/v1/sessions/{Planned}", RunningServer.Json, ct))!.LeaderLap >= 20)
                {
                    await server.Http.GetAsync($"/api/v1/sessions/{Planned}/cars/33/strategy?wait=5", ct);
                }

                var scraped = await MetricsPage.ScrapeAsync(server, ct);
                return scraped.Sum("stratx_recommendations_total") >= 1 ? scraped : null;
            }, ct);
            return (bahrain, metrics);
        }
        finally
        {
            await server.Http.DeleteAsync($"/api/v1/sessions/{Planned}/replay", ct);
        }
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, CancellationToken ct)
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
            await Task.Delay(500, ct);
        }
    }
}

/// <summary>The sample lines of a scrape of /metrics (Prometheus text; comments left out).</summary>
internal sealed record MetricsPage(IReadOnlyList<string> All)
{
    public static async Task<MetricsPage> ScrapeAsync(RunningServer server, CancellationToken ct)
    {
        var response = await server.Http.GetAsync("/metrics", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new MetricsPage([.. (await response.Content.ReadAsStringAsync(ct)).Split('\n').Where(l => l.Length > 0 && l[0] != '#')]);
    }

    /// <summary>Every sample's metric name, as Prometheus stores it (a histogram's as _bucket, _sum and _count).</summary>
    public IReadOnlySet<string> Names => All.Select(l => l[..l.IndexOfAny(['{', ' '])]).ToHashSet(StringComparer.Ordinal);

    public IEnumerable<string> Lines(string name) => All.Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal));

    public bool Has(string name) => Lines(name).Any();

    /// <summary>The sum of a metric's samples whose labels include every one given.</summary>
    public double Sum(string name, params string[] labels) =>
        Lines(name).Where(l => labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
