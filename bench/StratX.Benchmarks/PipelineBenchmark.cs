using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using HdrHistogram;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StratX.Grains.Views;
using StratX.Server;

namespace StratX.Benchmarks;

/// <summary>
/// The spine under load: the whole 2023 Bahrain race with every car's telemetry (720,300 samples, 1,055 laps,
/// stints, weather) replayed as fast as possible through the embedded server, with a SignalR client watching.
/// Throughput counts every input event (samples individually) from the first publish until the client has
/// the final classification; latency is from ingestion of an input (its admission into the pipeline) to the
/// client receiving the update it caused. Warm-up runs (JIT, tiering), then measured runs, each into a fresh session.
/// </summary>
internal static class PipelineBenchmark
{
    private static readonly string[] UpdateKinds = ["classification", "car", "stint", "trackStatus", "raceControl", "weather", "session", "telemetry", "predictions"];

    public static async Task<int> RunAsync(int warmups, int runs, string[] serverSettings)
    {
        var repo = FindRepo();
        var app = StratXServer.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--StratX:Demo:Enabled", "false",
            "--StratX:DataRoot", Path.Combine(repo, "data"),
            "--Orleans:SiloPort", FreePort().ToString(CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", FreePort().ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
            // The spine's own throughput: no tenant replay quota in the way.
            "--StratX:Quotas:ReplayEventsPerSecond", "100000000",
            .. serverSettings,
        ]);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var http = new HttpClient { BaseAddress = address };
        var token = DemoAdminToken(app.Services);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        StratXServer.ConfigureJson(json);

        var path = serverSettings.Contains("Cluster") ? "durable path (cluster mode: PostgreSQL + Kafka)" : "embedded";
        var shown = serverSettings.Where((s, i) => i == 0 || serverSettings[i - 1] != "--ConnectionStrings:StratX");
        Console.WriteLine($"StratX pipeline benchmark, {path}: 2023 Bahrain GP, all car telemetry, full speed; {Environment.ProcessorCount} cores, {RuntimeInfo()} {string.Join(' ', shown)}");
        var results = new List<RunResult>();
        for (var run = 1 - warmups; run <= runs; run++)
        {
            var result = await RunOnceAsync(http, address, token, json, $"bench-{run + warmups}");
            Console.WriteLine($"{(run <= 0 ? "warm-up" : $"run {run}"),-8} {result}");
            if (run > 0)
            {
                results.Add(result);
            }
        }

        var median = results.OrderBy(r => r.EventsPerSecond).ElementAt(results.Count / 2);
        Console.WriteLine($"median   {median}");
        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }

    private static async Task<RunResult> RunOnceAsync(HttpClient http, Uri address, string token, JsonSerializerOptions json, string sessionId)
    {
        var latency = new LongHistogram(TimeSpan.FromMinutes(1).Ticks, 3);
        var byKind = UpdateKinds.ToDictionary(k => k, _ => new LongHistogram(TimeSpan.FromMinutes(1).Ticks, 3));
        var gate = new object();
        var updates = 0L;
        long lastUpdateTicks = 0;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(address, "/hubs/race"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .AddJsonProtocol(o => StratXServer.ConfigureJson(o.PayloadSerializerOptions))
            .Build();
        foreach (var kind in UpdateKinds)
        {
            hub.On<JsonElement>(kind, update =>
            {
                var now = DateTime.UtcNow.Ticks;
                var ingested = update.GetProperty("ingestedAtTicks").GetInt64();
                lock (gate)
                {
                    updates++;
                    lastUpdateTicks = now;
                    if (ingested > 0)
                    {
                        latency.RecordValue(Math.Max(0, now - ingested));
                        byKind[kind].RecordValue(Math.Max(0, now - ingested));
                    }
                }
            });
        }

        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("JoinSession", sessionId);
        var started = DateTime.UtcNow.Ticks;
        var response = await http.PostAsJsonAsync("/api/v1/sessions", new { race = "2023-bahrain-race", speed = "max", sessionId }, json);
        response.EnsureSuccessStatusCode();

        SessionSummary summary;
        while ((summary = (await http.GetFromJsonAsync<SessionSummary>($"/api/v1/sessions/{sessionId}", json))!).Ingestion is not { IsFinished: true })
        {
            await Task.Delay(50);
        }

        // Let the updates still on their way arrive: done when none has come for half a second.
        while (DateTime.UtcNow.Ticks - Interlocked.Read(ref lastUpdateTicks) < TimeSpan.FromMilliseconds(500).Ticks)
        {
            await Task.Delay(50);
        }

        var ingestion = summary.Ingestion!;
        var events = ingestion.TelemetrySamples + ingestion.Events;
        var elapsed = TimeSpan.FromTicks(lastUpdateTicks - started);
        lock (gate)
        {
            var kinds = string.Join(", ", byKind.Where(k => k.Value.TotalCount > 0).Select(k =>
                $"{k.Key} {k.Value.TotalCount} p50 {TimeSpan.FromTicks(k.Value.GetValueAtPercentile(50)).TotalMilliseconds:0} p99 {TimeSpan.FromTicks(k.Value.GetValueAtPercentile(99)).TotalMilliseconds:0}"));
            Console.WriteLine($"         by kind (ms): {kinds}");
            return new RunResult(
                events,
                elapsed,
                updates,
                TimeSpan.FromTicks(latency.GetValueAtPercentile(50)),
                TimeSpan.FromTicks(latency.GetValueAtPercentile(99)),
                TimeSpan.FromTicks(latency.GetMaxValue()));
        }
    }

    private static string RuntimeInfo() => $".NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}";

    internal static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StratX.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    /// <summary>A token of the demo tenant's admin from the server under test's own issuer (either mode).</summary>
    internal static string DemoAdminToken(IServiceProvider services) =>
        services.GetRequiredService<StratX.Server.Security.TokenIssuer>()
            .Issue(StratX.Domain.Identity.TenantId.Demo, StratX.Grains.Tenancy.TenantRole.Admin, "benchmark", null, TimeSpan.FromHours(4)).Token;

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record RunResult(long Events, TimeSpan Elapsed, long Updates, TimeSpan P50, TimeSpan P99, TimeSpan Max)
    {
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;

        public override string ToString() =>
            $"{Events:N0} events in {Elapsed.TotalSeconds:0.00} s = {EventsPerSecond:N0} events/s; {Updates:N0} updates to the client; " +
            $"ingest→client latency p50 {P50.TotalMilliseconds:0.0} ms, p99 {P99.TotalMilliseconds:0.0} ms, max {Max.TotalMilliseconds:0.0} ms";
    }
}
