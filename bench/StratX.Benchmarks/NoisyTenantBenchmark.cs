using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HdrHistogram;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StratX.Server;

namespace StratX.Benchmarks;

/// <summary>
/// One team's live race while another team uses everything its quotas allow. The quiet team follows the 2023
/// Bahrain race at a live-like pace (from lap 5, <c>--quiet-speed</c>× real time) on the hub; its lap-to-client
/// latency (ingestion of a lap to the hub update it caused, car and classification updates) is measured for
/// <c>--seconds</c> alone, then again while the noisy team keeps its quota of concurrent replays running at full
/// speed with every car's telemetry and its quota of simulations busy. Rounds alternate alone / noisy; the
/// answer is the ratio of the median p99s, with each round's ratio beside it. Before the first round the noisy
/// load runs <c>--warmup</c> seconds unmeasured, as the quiet team's catch-up does for its own path, so that the
/// first loaded round does not time the JIT of the replay and simulation code (a node that has run one race).
/// </summary>
internal static class NoisyTenantBenchmark
{
    private const string OperatorKey = "operator-key-of-the-noisy-tenant-benchmark";
    private static readonly string[] LapKinds = ["car", "classification"];

    public static async Task<int> RunAsync(int seconds, double quietSpeed, int rounds, int warmup, bool asJson, (int Sessions, int Simulations, int EventsPerSecond)? noisyQuotas, bool simulate, string[] serverSettings)
    {
        var repo = PipelineBenchmark.FindRepo();
        var app = StratXServer.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--StratX:Demo:Enabled", "false",
            "--StratX:DataRoot", Path.Combine(repo, "data"),
            "--Orleans:SiloPort", PipelineBenchmark.FreePort().ToString(CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", PipelineBenchmark.FreePort().ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
            "--StratX:Auth:OperatorKey", OperatorKey,
            .. serverSettings,
        ]);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        StratXServer.ConfigureJson(json);
        var quiet = await Team.CreateAsync(address, "quiet", json, null);
        var noisy = await Team.CreateAsync(address, "noisy", json, noisyQuotas is { } q ? new { concurrentSessions = q.Sessions, concurrentSimulations = q.Simulations, replayEventsPerSecond = q.EventsPerSecond } : null);
        var quotas = await noisy.Http.GetFromJsonAsync<JsonElement>("/api/v1/quotas", json);
        var limits = quotas.GetProperty("limits");
        Console.Error.WriteLine($"StratX noisy-tenant benchmark: {Environment.ProcessorCount} cores; quiet team at {quietSpeed}× from lap 5, {seconds} s per phase, {rounds} rounds; noisy team's quotas {limits}{(simulate ? "" : ", its simulations left out")}; {string.Join(' ', serverSettings)}");

        // The noisy team's whole quota: its concurrent replays, and its simulations unless left out.
        NoisyLoad NoisyAtQuota() => new NoisyLoad(noisy, json, limits.GetProperty("concurrentSessions").GetInt32(), simulate ? limits.GetProperty("concurrentSimulations").GetInt32() : 0);

        if (warmup > 0)
        {
            using var warming = new CancellationTokenSource();
            var warm = NoisyAtQuota();
            var warmRun = warm.RunAsync(warming.Token);
            await Task.Delay(TimeSpan.FromSeconds(warmup));
            await warming.CancelAsync();
            await warmRun;
            Console.Error.WriteLine($"warm-up ({warmup} s, not measured): the noisy team ingested {warm.EventsIngested:N0} events, ran {warm.Simulations} simulations");
        }

        var alone = new List<double>();
        var loaded = new List<double>();
        var noisyEvents = new List<long>();
        for (var round = 1; round <= rounds; round++)
        {
            var a = await MeasureQuietAsync(quiet, address, json, $"alone-{round}", quietSpeed, seconds, load: null);
            Console.Error.WriteLine($"round {round} alone: {a}");
            alone.Add(a.P99);

            using var stop = new CancellationTokenSource();
            var load = NoisyAtQuota();
            var running = load.RunAsync(stop.Token);
            var n = await MeasureQuietAsync(quiet, address, json, $"noisy-{round}", quietSpeed, seconds, load);
            await stop.CancelAsync();
            await running;
            Console.Error.WriteLine($"round {round} noisy: {n}; the noisy team ingested {load.EventsIngested:N0} events, ran {load.Simulations} simulations, was refused {load.Refused} times (quota)");
            loaded.Add(n.P99);
            noisyEvents.Add(load.EventsIngested);
        }

        var medianAlone = Median(alone);
        var medianLoaded = Median(loaded);
        var rise = medianLoaded / medianAlone - 1;
        var roundRises = alone.Zip(loaded, (a, n) => Math.Round(n / a - 1, 3)).ToList();
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { benchmark = "noisy-tenant", seconds, quietSpeed, rounds, warmup, p99AloneMs = medianAlone, p99NoisyMs = medianLoaded, rise, roundRises, noisyEvents = Median(noisyEvents.Select(e => (double)e).ToList()) }));
        }
        else
        {
            Console.WriteLine($"quiet team's lap-to-client p99: alone {medianAlone:0.0} ms, beside the noisy team {medianLoaded:0.0} ms (medians of {rounds}): {rise:+0.0%;-0.0%}; by round {string.Join(" / ", roundRises.Select(r => r.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture)))}");
        }

        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }

    private static async Task<Phase> MeasureQuietAsync(Team quiet, Uri address, JsonSerializerOptions json, string sessionId, double speed, int seconds, NoisyLoad? load)
    {
        var latency = new LongHistogram(TimeSpan.FromMinutes(1).Ticks, 3);
        var measuring = false;
        var gate = new object();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(address, "/hubs/race"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(quiet.Token))
            .AddJsonProtocol(o => StratXServer.ConfigureJson(o.PayloadSerializerOptions))
            .Build();
        foreach (var kind in LapKinds)
        {
            hub.On<JsonElement>(kind, update =>
            {
                var now = DateTime.UtcNow.Ticks;
                var ingested = update.GetProperty("ingestedAtTicks").GetInt64();
                lock (gate)
                {
                    if (measuring && ingested > 0)
                    {
                        latency.RecordValue(Math.Max(0, now - ingested));
                    }
                }
            });
        }

        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement>("JoinSession", sessionId);
        var response = await quiet.Http.PostAsJsonAsync("/api/v1/sessions", new { race = "2023-bahrain-race", speed = speed.ToString(CultureInfo.InvariantCulture), sessionId, includeTelemetry = false, paceFromLap = 5 }, json);
        response.EnsureSuccessStatusCode();

        // The catch-up to lap 5 and the first paced laps are not what a strategist sees during a race: skip them,
        // and let the noisy team's load build up.
        await Task.Delay(TimeSpan.FromSeconds(8));
        lock (gate)
        {
            measuring = true;
        }

        await Task.Delay(TimeSpan.FromSeconds(seconds));
        lock (gate)
        {
            measuring = false;
        }

        await quiet.Http.DeleteAsync($"/api/v1/sessions/{sessionId}/replay");
        lock (gate)
        {
            return new Phase(latency.TotalCount, latency.GetValueAtPercentile(50) / (double)TimeSpan.TicksPerMillisecond, latency.GetValueAtPercentile(99) / (double)TimeSpan.TicksPerMillisecond, latency.GetMaxValue() / (double)TimeSpan.TicksPerMillisecond);
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private sealed record Phase(long Updates, double P50, double P99, double Max)
    {
        public override string ToString() => $"{Updates} lap updates, p50 {P50:0.0} ms, p99 {P99:0.0} ms, max {Max:0.0} ms";
    }

    /// <summary>A tenant made through the operator's API, signed in with its admin key (REST) and a token for it (hub).</summary>
    private sealed class Team
    {
        private Team(HttpClient http, string token)
        {
            Http = http;
            Token = token;
        }

        public HttpClient Http { get; }

        public string Token { get; }

        public static async Task<Team> CreateAsync(Uri address, string id, JsonSerializerOptions json, object? quotas)
        {
            using var operatorClient = new HttpClient { BaseAddress = address };
            operatorClient.DefaultRequestHeaders.Add("X-Operator-Key", OperatorKey);
            var created = await operatorClient.PostAsJsonAsync("/api/v1/tenants", new { id, quotas }, json);
            created.EnsureSuccessStatusCode();
            var key = (await created.Content.ReadFromJsonAsync<JsonElement>(json)).GetProperty("adminKey").GetProperty("key").GetString()!;
            var http = new HttpClient { BaseAddress = address };
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
            var token = (await (await http.PostAsync("/api/v1/auth/token", null)).Content.ReadFromJsonAsync<JsonElement>(json)).GetProperty("token").GetString()!;
            return new Team(http, token);
        }
    }

    /// <summary>The noisy team: its quota of full-speed replays with telemetry, started again as each ends, and its quota of simulations.</summary>
    private sealed class NoisyLoad(Team team, JsonSerializerOptions json, int sessions, int simulations)
    {
        private long _events;
        private int _simulations;
        private int _refused;
        private int _next;

        public long EventsIngested => Interlocked.Read(ref _events);

        public int Simulations => _simulations;

        public int Refused => _refused;

        public async Task RunAsync(CancellationToken stop)
        {
            var work = Enumerable.Range(0, sessions).Select(_ => ReplayLoopAsync(stop))
                .Concat(Enumerable.Range(0, simulations).Select(_ => SimulationLoopAsync(stop)));
            await Task.WhenAll(work);
        }

        private async Task ReplayLoopAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var sessionId = $"noisy-{Interlocked.Increment(ref _next)}";
                var started = await team.Http.PostAsJsonAsync("/api/v1/sessions", new { race = "2023-bahrain-race", speed = "max", sessionId, includeTelemetry = true }, json, CancellationToken.None);
                if (started.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref _refused);
                    await Delay(200, stop);
                    continue;
                }

                started.EnsureSuccessStatusCode();
                JsonElement summary;
                do
                {
                    await Delay(200, stop);
                    summary = await team.Http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{sessionId}", json, CancellationToken.None);
                }
                while (!stop.IsCancellationRequested && !summary.GetProperty("ingestion").GetProperty("isFinished").GetBoolean());

                if (stop.IsCancellationRequested)
                {
                    await team.Http.DeleteAsync($"/api/v1/sessions/{sessionId}/replay", CancellationToken.None);
                    summary = await team.Http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{sessionId}", json, CancellationToken.None);
                }

                var ingestion = summary.GetProperty("ingestion");
                Interlocked.Add(ref _events, ingestion.GetProperty("events").GetInt64() + ingestion.GetProperty("telemetrySamples").GetInt64());
            }
        }

        private async Task SimulationLoopAsync(CancellationToken stop)
        {
            var body = new
            {
                totalLaps = 57,
                lapsCompleted = 10,
                cars = Enumerable.Range(1, 20).Select(i => new { id = i.ToString(CultureInfo.InvariantCulture), gapToLeader = i * 1.5, basePace = 93.5 + i * 0.05, compound = i % 2 == 0 ? "MEDIUM" : "HARD", tyreAge = 10 }).ToArray(),
                runs = 20_000,
                seed = 1,
            };
            while (!stop.IsCancellationRequested)
            {
                var response = await team.Http.PostAsJsonAsync("/api/v1/simulations", body, json, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref _refused);
                    await Delay(100, stop);
                    continue;
                }

                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref _simulations);
            }
        }

        private static async Task Delay(int milliseconds, CancellationToken stop)
        {
            try
            {
                await Task.Delay(milliseconds, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
