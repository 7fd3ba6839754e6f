using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StratX.Server;

namespace StratX.Benchmarks;

/// <summary>
/// The dashboard's frame rate under a live race: the embedded server replays the 2023 Bahrain GP with every
/// car's telemetry while Debian's Chromium (headless) shows the dashboard at 1920×1080. Frames are the page's
/// own requestAnimationFrame count (<c>window.stratx.frames</c>), read over a fixed window in the race view
/// (tower, gap trace) and in the car view of the leader (live telemetry chart), each on a fresh replay so that
/// a full-speed replay (~30 s for the race here) is still running while it is measured. The page also reports how many
/// frames drew something, how many hub messages arrived, the longest gap between two frames and, through a
/// PerformanceObserver, the main thread's long tasks (over 50 ms). Server, replay and browser share the
/// machine's cores, as on a strategist's laptop running the embedded server.
/// </summary>
internal static class DashboardBenchmark
{
    private const string Race = "2023-bahrain-race";

    /// <summary>Collects long tasks and frame intervals from page start; the page's own frame counter is window.stratx.frames.</summary>
    private const string Probe =
        """
        window.__bench = { longTasks: [], frameTimes: [] };
        try {
          new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.longTasks.push([e.startTime, e.duration]); })
            .observe({ type: "longtask", buffered: true });
        } catch { window.__bench.noLongTasks = true; }
        const tick = (t) => { const f = window.__bench.frameTimes; f.push(t); if (f.length > 20000) f.splice(0, 10000); requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
        """;

    private const string Sample =
        "() => ({ now: performance.now(), frames: window.stratx.frames.count, renders: window.stratx.frames.renders, updates: window.stratx.updates() })";

    private const string Window =
        """
        ([from, to]) => {
          const times = window.__bench.frameTimes.filter((t) => t >= from && t <= to);
          const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
          const tasks = window.__bench.longTasks.filter(([s]) => s >= from && s <= to);
          return {
            maxFrameMs: gaps.length ? gaps[gaps.length - 1] : 0,
            p95FrameMs: gaps.length ? gaps[Math.floor(gaps.length * 0.95)] : 0,
            framesOver50Ms: gaps.filter((g) => g > 50).length,
            longTasks: tasks.length,
            longTaskMs: tasks.reduce((sum, [, d]) => sum + d, 0),
            longTasksObserved: !window.__bench.noLongTasks,
          };
        }
        """;

    public static async Task<int> RunAsync(string speed, int? paceFromLap, int seconds, int warmups, int runs, string chromium, string? profile, bool json)
    {
        if (!File.Exists(chromium))
        {
            Console.Error.WriteLine($"Chromium is not at {chromium} (apt install chromium, or --chromium PATH).");
            return 2;
        }

        var repo = PipelineBenchmark.FindRepo();
        var app = StratXServer.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--StratX:Demo:Enabled", "false",
            "--StratX:DataRoot", Path.Combine(repo, "data"),
            "--StratX:Models:Path", Path.Combine(repo, "models"),
            "--webroot", Path.Combine(repo, "src", "StratX.Server", "wwwroot"),
            "--Orleans:SiloPort", FreePort().ToString(CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", FreePort().ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
            // The figures (and --json) own standard output.
            "--Logging:Console:LogToStandardErrorThreshold", "Trace",
        ]);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", PipelineBenchmark.DemoAdminToken(app.Services));
        var jsonOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        StratXServer.ConfigureJson(jsonOptions);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        if (!json)
        {
            Console.WriteLine($"StratX dashboard benchmark: {Race} with telemetry at speed {speed}{(paceFromLap is { } p ? $" from lap {p}" : "")}, {seconds} s per view at 1920×1080; " +
                $"Chromium {browser.Version} headless; {Environment.ProcessorCount} cores shared by server and browser");
        }

        // The ceiling on this machine: the page with no session, nothing to draw.
        var idle = await IdleFpsAsync(browser, http, seconds);
        if (!json)
        {
            Console.WriteLine($"idle     {idle:0.0} fps with no session (the browser's frame rate with nothing to draw)");
        }

        var results = new List<RunResult>();
        for (var run = 1 - warmups; run <= runs; run++)
        {
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
            var race = await MeasureViewAsync(browser, http, jsonOptions, $"bench-dashboard-{run}-race", "", speed, paceFromLap, seconds, run > 0 ? profile : null);
            var car = await MeasureViewAsync(browser, http, jsonOptions, $"bench-dashboard-{run}-car", "&car=1&view=car", speed, paceFromLap, seconds, run > 0 ? profile : null);
            var result = new RunResult(race, car, load);
            if (run > 0)
            {
                results.Add(result);
            }

            if (!json)
            {
                Console.WriteLine($"{(run <= 0 ? "warm-up" : $"run {run}"),-8}race view {result.Race}");
                Console.WriteLine($"        car view  {result.Car}   (load average before the run {load})");
            }
        }

        var raceFps = Median(results.Select(r => r.Race.Fps));
        var carFps = Median(results.Select(r => r.Car.Fps));
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "dashboard",
                race = Race,
                speed,
                paceFromLap,
                windowSeconds = seconds,
                viewport = "1920x1080",
                chromium = browser.Version,
                headless = true,
                cores = Environment.ProcessorCount,
                idleFps = idle,
                medianFps = new { race = raceFps, car = carFps },
                runs = results,
            }, jsonOptions));
        }
        else
        {
            Console.WriteLine($"median  race view {raceFps:0.0} fps, car view {carFps:0.0} fps (target ≥ 30 fps: {(Math.Min(raceFps, carFps) >= 30 ? "met" : "NOT met")})");
        }

        await browser.CloseAsync();
        await app.StopAsync();
        return 0;
    }

    private static async Task<ViewResult> MeasureViewAsync(IBrowser browser, HttpClient http, JsonSerializerOptions json, string session, string query, string speed, int? paceFromLap, int seconds, string? profile)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1920, Height = 1080 }, BaseURL = http.BaseAddress!.ToString() });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };
        await page.AddInitScriptAsync(Probe);
        try
        {
            var response = await http.PostAsJsonAsync("/api/v1/sessions", new { race = Race, speed, sessionId = session, includeTelemetry = true, paceFromLap }, json);
            response.EnsureSuccessStatusCode();
            await page.GotoAsync($"/?session={session}{query}");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=tower-row]').length >= 20", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
            await page.Locator(query.Contains("view=car", StringComparison.Ordinal) ? "#telemetry-chart canvas" : "#gap-chart canvas").First.WaitForAsync();
            ICDPSession? cdp = null;
            if (profile is not null)
            {
                // The page's JavaScript CPU profile over the window (open it in Chromium's DevTools, Performance panel).
                cdp = await page.Context.NewCDPSessionAsync(page);
                await cdp.SendAsync("Profiler.enable");
                await cdp.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 500 });
            }

            var result = await MeasureAsync(page, http, session, seconds, warmUp: 2, cdp);
            if (cdp is not null)
            {
                var stopped = await cdp.SendAsync("Profiler.stop");
                await File.WriteAllTextAsync($"{profile}-{session}.cpuprofile", stopped!.Value.GetProperty("profile").GetRawText());
            }

            return result with { PageErrors = errors.Count };
        }
        finally
        {
            await http.DeleteAsync($"/api/v1/sessions/{session}/replay");
            await page.CloseAsync();
        }
    }

    private static async Task<double> IdleFpsAsync(IBrowser browser, HttpClient http, int seconds)
    {
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1920, Height = 1080 }, BaseURL = http.BaseAddress!.ToString() });
        await page.GotoAsync("/");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var start = await page.EvaluateAsync<JsonElement>(Sample);
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var end = await page.EvaluateAsync<JsonElement>(Sample);
        await page.CloseAsync();
        var elapsed = (end.GetProperty("now").GetDouble() - start.GetProperty("now").GetDouble()) / 1000;
        return Math.Round((end.GetProperty("frames").GetInt32() - start.GetProperty("frames").GetInt32()) / elapsed, 1);
    }

    private static async Task<ViewResult> MeasureAsync(IPage page, HttpClient http, string session, int seconds, int warmUp, ICDPSession? profiler)
    {
        await Task.Delay(TimeSpan.FromSeconds(warmUp));
        if (profiler is not null)
        {
            await profiler.SendAsync("Profiler.start");
        }

        var start = await page.EvaluateAsync<JsonElement>(Sample);
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var end = await page.EvaluateAsync<JsonElement>(Sample);
        var from = start.GetProperty("now").GetDouble();
        var to = end.GetProperty("now").GetDouble();
        var window = await page.EvaluateAsync<JsonElement>(Window, new[] { from, to });
        var summary = await http.GetFromJsonAsync<JsonElement>($"/api/v1/sessions/{session}");
        var elapsed = (to - from) / 1000;
        int Delta(string name) => end.GetProperty(name).GetInt32() - start.GetProperty(name).GetInt32();
        return new ViewResult(
            Math.Round(Delta("frames") / elapsed, 1),
            Math.Round(elapsed, 2),
            Delta("renders"),
            Delta("updates"),
            Math.Round(window.GetProperty("p95FrameMs").GetDouble(), 1),
            Math.Round(window.GetProperty("maxFrameMs").GetDouble(), 1),
            window.GetProperty("framesOver50Ms").GetInt32(),
            window.GetProperty("longTasksObserved").GetBoolean() ? window.GetProperty("longTasks").GetInt32() : null,
            Math.Round(window.GetProperty("longTaskMs").GetDouble()),
            summary.GetProperty("leaderLap").GetInt32(),
            !summary.GetProperty("ingestion").GetProperty("isFinished").GetBoolean(),
            0);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record RunResult(ViewResult Race, ViewResult Car, string LoadAverage);

    /// <param name="Fps">Animation frames per second over the window.</param>
    /// <param name="Renders">Frames that drew something (an update had marked a part of the page).</param>
    /// <param name="Updates">Hub messages the page received in the window.</param>
    /// <param name="LongTasks">Main-thread tasks over 50 ms (null where the browser does not report them).</param>
    /// <param name="LeaderLap">The leader's lap at the end of the window.</param>
    /// <param name="ReplayRunning">Whether the replay was still feeding the page at the end of the window.</param>
    /// <param name="PageErrors">Console errors and uncaught exceptions on the page.</param>
    private sealed record ViewResult(
        double Fps, double Seconds, int Renders, int Updates, double P95FrameMs, double MaxFrameMs, int FramesOver50Ms,
        int? LongTasks, double LongTaskMs, int LeaderLap, bool ReplayRunning, int PageErrors)
    {
        public override string ToString() =>
            $"{Fps,5:0.0} fps over {Seconds:0.0} s; {Renders} frames drew, {Updates} hub messages; frame interval p95 {P95FrameMs:0.0} ms, max {MaxFrameMs:0} ms, " +
            $"{FramesOver50Ms} over 50 ms; long tasks {LongTasks?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} ({LongTaskMs:0} ms); leader lap {LeaderLap}{(ReplayRunning ? "" : ", replay FINISHED")}{(PageErrors > 0 ? $", {PageErrors} page errors" : "")}";
    }
}
