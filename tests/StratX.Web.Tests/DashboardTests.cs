using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using StratX.Tests;

namespace StratX.Web.Tests;

/// <summary>The dashboard in Debian's Chromium against the real server replaying real races.</summary>
[Trait("Category", "Browser")]
public class DashboardTests(DashboardServer server) : IClassFixture<DashboardServer>
{
    private const string TowerRows = "[data-testid=tower-row]";

    /// <summary>style.css --yellow (#f2cc0c) as the browser computes it.</summary>
    private const string Yellow = "rgb(242, 204, 12)";

    [Fact]
    public async Task A_live_replay_fills_every_view_at_both_sizes_and_the_tower_ends_in_the_server_classification()
    {
        DashboardServer.SkipWithoutChromium();
        const string session = "web-live";
        // Bahrain 2023: catch up to lap 20, then play the rest at 20× (a lap every ~5 s) with car data. Plans stop
        // a lap before the flag ("no lap is left to stop at"), so the live part of this test must be done by lap 56:
        // 36 paced laps, about three minutes, leave room for a machine busy with other test projects (CI at
        // 7b03cd5 paced only from lap 50 and reached the strategy tab after the last plan).
        await server.StartReplayAsync("2023-bahrain-race", session, "20", paceFromLap: 20);
        var (page, errors) = await server.OpenAsync($"/?session={session}");

        await WaitForRows(page, 20);
        var before = await TowerText(page);
        await WaitUntil(async () => await TowerText(page) != before, "the tower did not change during the replay");
        await page.Locator("#gap-chart canvas").First.WaitForAsync();
        // The models score every car after each lap: the tower's Pit column fills, and the header shows the
        // safety-car hazard with its source.
        await WaitUntil(async () => (await PitColumn(page)).Count(p => Regex.IsMatch(p, @"^\d+%R?$")) >= 15, "the tower does not show pit probabilities");
        Assert.All(await PitColumn(page), p => Assert.Matches(@"^(\d+%R?)?$", p));
        await page.Locator("#hazard").WaitForAsync();
        Assert.Matches(@"SC/VSC next lap \d+% · to the flag \d+%", await page.Locator("#hazard").InnerTextAsync());
        Assert.Matches(@"^(model v\d+|rule)$", await page.Locator("#hazard .src").InnerTextAsync());
        await Screenshot(page, "race", 1920);
        await AssertAccessible(page, "race");

        await page.Locator($"{TowerRows}[data-driver=VER]").ClickAsync();
        await page.Locator("#lap-chart canvas").First.WaitForAsync();
        await page.Locator("#telemetry-chart canvas").First.WaitForAsync();
        var gauges = await page.Locator("#gauges").InnerTextAsync();
        await WaitUntil(async () => await page.Locator("#gauges").InnerTextAsync() != gauges, "the car's telemetry did not move");
        Assert.Contains("Max Verstappen", await page.Locator("#car-title").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("view=car", page.Url, StringComparison.Ordinal);
        // The next-lap model (models/next-lap) predicts the car's next lap, shown with its delta to the last lap.
        var nextLap = page.Locator("[data-testid=next-lap] dd");
        await WaitUntil(async () => await nextLap.Locator(".src.model").CountAsync() == 1, "the car view shows no next lap from a model");
        Assert.Matches(@"^1:\d\d\.\d{3} [+−±]\d+\.\d{3} s model v\d+$", await nextLap.InnerTextAsync());
        Assert.Matches(@"^\d+%", await page.Locator("[data-testid=prediction-pit] dd").InnerTextAsync());
        Assert.Matches(@"green \d+\.\d s · VSC \d+\.\d s · SC \d+\.\d s", await page.Locator("[data-testid=prediction-pit-loss] dd").InnerTextAsync());
        Assert.All(await page.Locator("#car-predictions .src").AllInnerTextsAsync(), badge => Assert.Matches(@"^(model v\d+|rule)$", badge));
        Assert.DoesNotContain("not available yet", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        // The lap chart draws what was predicted for each lap beside the lap itself, one lap beyond the last.
        await WaitUntil(async () => await page.EvaluateAsync<int>("() => window.stratx.state.predictedLaps.get('1')?.size ?? 0") >= 2, "no predicted laps on the lap chart");
        Assert.True(await page.EvaluateAsync<bool>("() => { const p = window.stratx.state.predictedLaps.get('1'); const laps = window.stratx.state.laps.get('1'); return Math.max(...p.keys()) > Math.max(...laps.keys()); }"), "the next lap's prediction is not beyond the last lap");
        Assert.Contains("Predicted", await page.Locator("#lap-chart").InnerTextAsync(), StringComparison.Ordinal);
        await Screenshot(page, "car", 1920);
        await AssertAccessible(page, "car");

        // Malformed or absent prediction parts, from the hub or from GET, are left out: the page keeps what it had.
        var shown = await nextLap.InnerTextAsync();
        await page.EvaluateAsync(
            """
            () => {
              const car = window.stratx.state.car;
              const origin = { task: "x", source: "model", version: 1 };
              window.stratx.applyPredictions({ car, lap: 9999, nextLap: { seconds: "fast", referencePace: 90, origin }, pitNextLap: { probability: 7, origin },
                overtake: 42, degradation: null, pitLoss: { green: 20, virtualSafetyCar: 12, safetyCar: 10 }, hazard: { lap: 9999, nextLap: 0.5, restOfRace: 0.9, origin: { source: "guess" } } });
              window.stratx.applyPredictions({ car, lap: 9999 });
              window.stratx.applyPredictions(null);
              window.stratx.applyPredictions("predictions");
              window.stratx.applyPredictions({ lap: 3, nextLap: { seconds: 1, referencePace: 1, origin } });
            }
            """);
        await page.WaitForTimeoutAsync(300);
        Assert.Matches(@"^1:\d\d\.\d{3} [+−±]\d+\.\d{3} s model v\d+$", await nextLap.InnerTextAsync());
        Assert.DoesNotContain("9999", await page.Locator("#car-predictions").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("700%", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        await page.RouteAsync("**/predictions", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = """{ "car": "44", "lap": 9999, "nextLap": { "seconds": null }, "pitNextLap": "high", "hazard": [] }""",
        }));
        // Later switches go by keyboard (a row takes the focus and Enter): mid-race the rows move as positions change,
        // and on a starved machine a mouse click once waited 30 s in vain for HAM's row to hold still for two frames.
        await page.Locator($"{TowerRows}[data-driver=HAM]").PressAsync("Enter");
        await WaitUntil(async () => (await page.Locator("#car-title").InnerTextAsync()).Contains("Lewis Hamilton", StringComparison.Ordinal), "the car view did not switch to HAM");
        await page.UnrouteAsync("**/predictions");
        await WaitUntil(async () => await nextLap.Locator(".src").CountAsync() == 1, "HAM's next lap did not come with the next update");
        Assert.DoesNotContain("NaN", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(20, await page.Locator(TowerRows).CountAsync());
        await page.Locator($"{TowerRows}[data-driver=VER]").PressAsync("Enter");
        await WaitUntil(async () => (await page.Locator("#car-title").InnerTextAsync()).Contains("Max Verstappen", StringComparison.Ordinal), "the car view did not switch back to VER");
        Assert.Empty(errors);

        await page.Locator("#tab-strategy").ClickAsync();
        // Until the first plan the view says it is planning; a plan the server cannot make says why: on a timeout
        // the failure quotes what the view showed instead and the leader's lap.
        var recommendation = page.Locator("[data-testid=strategy-recommendation]");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await recommendation.CountAsync() == 0)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(90))
            {
                Assert.Fail($"the strategy view shows no recommendation but \"{await page.Locator("#strategy-body").InnerTextAsync()}\" (leader on lap {await page.EvaluateAsync<int>("() => window.stratx.state.classification?.leaderLap ?? 0")})");
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Matches(@"\d+%", await page.Locator(".confidence span").InnerTextAsync());
        // The wear each dry compound was simulated with: past lap 20 the race's own stints have moved it from history.
        var wear = await page.Locator("[data-testid=strategy-wear]").InnerTextAsync();
        Assert.Matches(@"^Tyre wear simulated, s per lap of age: S 0\.\d{3} .* · M 0\.\d{3} .* · H 0\.\d{3} ", wear);
        Assert.Contains("live stint", wear, StringComparison.Ordinal);
        // A first quick plan can come before the full search has filled the candidates.
        await WaitUntil(async () => await page.Locator("table.candidates tbody tr").CountAsync() > 0, "the plan lists no candidates");
        Assert.Equal(20, await page.Locator("table.candidates tbody tr").First.Locator(".dist span").CountAsync());
        await Screenshot(page, "strategy", 1920);
        await AssertAccessible(page, "strategy");

        await page.SetViewportSizeAsync(1280, 720);
        // The tower's overtake column appears once the overtake model scores cars; it must fit at 1280 px too.
        await page.EvaluateAsync(
            """
            () => {
              const rows = window.stratx.state.classification.rows;
              rows.slice(1).forEach((row, i) => window.stratx.applyPredictions({ car: row.car, lap: 9999,
                overtake: { target: rows[i].car, withinOne: 0.12, withinTwo: 0.31, withinThree: 0.47, origin: { task: "overtake", source: "rule", version: null, note: "layout check" } } }));
            }
            """);
        await WaitUntil(async () => await page.Locator("td.ovt:visible").CountAsync() >= 19, "the overtake column did not show");
        foreach (var view in new[] { "race", "car", "strategy" })
        {
            await page.Locator($"#tab-{view}").ClickAsync();
            await page.WaitForTimeoutAsync(300);
            await Screenshot(page, view, 1280);
        }

        await WaitUntil(async () => (await server.GetAsync($"/api/v1/sessions/{session}")).GetProperty("ingestion").GetProperty("isFinished").GetBoolean(), "the replay did not finish", TimeSpan.FromMinutes(5));
        var classification = await server.GetAsync($"/api/v1/sessions/{session}/classification");
        var expected = classification.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("driverCode").GetString()!).ToList();
        await WaitUntil(async () => (await TowerOrder(page)).SequenceEqual(expected), "the tower's final order differs from the server's classification");
        Assert.Equal(20, expected.Count);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task After_the_server_restarts_the_page_reconnects_and_shows_the_current_state_again()
    {
        DashboardServer.SkipWithoutChromium();
        const string session = "web-restart";
        await server.StartReplayAsync("2021-22-abu-dhabi-grand-prix", session, "max", includeTelemetry: false);
        var (page, _) = await server.OpenAsync($"/?session={session}", 1280, 720);
        // 19 cars: Mazepin withdrew before the start.
        await WaitForRows(page, 19);

        await server.StopServerAsync();
        await WaitUntil(async () => await page.Locator("#connection").InnerTextAsync() != "Live", "the page did not notice the server going away");
        await server.StartServerAsync();
        // The embedded server keeps its state in memory: the session comes back when it is replayed again.
        await server.StartReplayAsync("2021-22-abu-dhabi-grand-prix", session, "max", includeTelemetry: false);

        await WaitUntil(async () => await page.Locator("#connection").InnerTextAsync() == "Live", "the page did not reconnect");
        await WaitUntil(async () => (await server.GetAsync($"/api/v1/sessions/{session}")).GetProperty("ingestion").GetProperty("isFinished").GetBoolean(), "the second replay did not finish", TimeSpan.FromMinutes(5));
        var classification = await server.GetAsync($"/api/v1/sessions/{session}/classification");
        var expected = classification.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("driverCode").GetString()!).ToList();
        await WaitUntil(async () => (await TowerOrder(page)).SequenceEqual(expected), "after reconnecting the tower does not show the current classification");
    }

    [Fact]
    public async Task Replaying_the_2024_chinese_gp_shows_the_vsc_and_safety_car_banners_on_their_laps()
    {
        DashboardServer.SkipWithoutChromium();
        const string session = "web-china";
        // history/virtual_safety_cars.csv and safety_cars.csv: VSC deployed on lap 20 (green during lap 22), safety
        // cars deployed on laps 24 (in on 27) and 27 (in on 32). The page is open on the session before the replay
        // starts, as a strategist's is before the lights go out: on a starved machine opening it after the start
        // once took until the VSC was over.
        var (page, errors) = await server.OpenAsync($"/?session={session}", 1280, 720);
        // The page itself notes the banner and the leader's lap at every change of either, so what it showed is
        // known however slowly this test gets to look (a starved machine may look only every few laps).
        await page.EvaluateAsync(
            """
            () => {
              const banner = document.getElementById('track-banner');
              const log = window.trackLog = [];
              const note = () => {
                // What a strategist sees: the banner's words, its colour and whether it takes room on the page.
                const box = banner.getBoundingClientRect();
                const entry = {
                  lap: window.stratx.state.classification?.leaderLap ?? 0,
                  status: banner.hidden ? '' : banner.dataset.status ?? '',
                  text: banner.hidden ? '' : banner.textContent,
                  background: getComputedStyle(banner).backgroundColor,
                  shown: !banner.hidden && box.width > 0 && box.height > 0,
                };
                const last = log[log.length - 1];
                if (!last || last.lap !== entry.lap || last.status !== entry.status || last.text !== entry.text) log.push(entry);
              };
              const watch = { attributes: true, childList: true, characterData: true, subtree: true };
              new MutationObserver(note).observe(banner, watch);
              new MutationObserver(note).observe(document.getElementById('lap-counter'), watch);
              note();
            }
            """);
        // Catch up to lap 17, then play at 40× (a lap in about 2.5 s, so the two-lap VSC is on screen for seconds).
        await server.StartReplayAsync("2024-china-race", session, "40", paceFromLap: 17, includeTelemetry: false);
        // No screenshot while the replay runs: on a starved machine capturing a frame of a page redrawing at 60×
        // took over Playwright's 30 s. The log above records what the banner looked like instead.
        try
        {
            await WaitUntil(
                async () => await page.EvaluateAsync<int>("() => window.trackLog[window.trackLog.length - 1].lap") >= 33,
                "the replay did not reach lap 33",
                TimeSpan.FromMinutes(5));
        }
        finally
        {
            await server.Http.DeleteAsync($"/api/v1/sessions/{session}/replay", TestContext.Current.CancellationToken);
        }

        var log = (await page.EvaluateAsync<JsonElement>("() => window.trackLog")).EnumerateArray().ToList();
        var seen = log.Select(e => (Lap: e.GetProperty("lap").GetInt32(), Status: e.GetProperty("status").GetString()!)).ToList();
        // Each neutralisation was on screen, in words, on the yellow of a caution (style.css --yellow).
        foreach (var (status, words) in new[] { ("safetyCar", "Safety car"), ("virtualSafetyCar", "Virtual safety car") })
        {
            Assert.All(log.Where(e => e.GetProperty("status").GetString() == status), e =>
            {
                Assert.True(e.GetProperty("shown").GetBoolean(), $"the {status} banner took no room on lap {e.GetProperty("lap")}");
                Assert.Equal(words, e.GetProperty("text").GetString());
                Assert.Equal(Yellow, e.GetProperty("background").GetString());
            });
        }

        // Laps are those the leader has completed: a status deployed during lap D shows while D - 1 are complete.
        var vsc = seen.Where(s => s.Status == "virtualSafetyCar").Select(s => s.Lap).ToList();
        var safetyCar = seen.Where(s => s.Status == "safetyCar").Select(s => s.Lap).ToList();
        Assert.NotEmpty(vsc);
        Assert.All(vsc, lap => Assert.InRange(lap, 19, 22));
        Assert.NotEmpty(safetyCar);
        Assert.All(safetyCar, lap => Assert.InRange(lap, 23, 31));
        // The leader runs laps 25, 26 and 28 to 31 wholly under a safety car (its laps 24 and 27 only from their
        // midpoints, the restart after the first is at the crossing that ends 26), so those show it: completed laps 24,
        // 25 and 27 to 30. The half laps may not: the page draws the banner and the lap counter in one frame, and on a
        // starved machine a frame can come a second late (1.25 s is half a lap at 40x), taking the next lap with it.
        var shown = string.Join(" ", seen.Select(s => $"{s.Lap}:{s.Status}"));
        Assert.True(new[] { 24, 25, 27, 28, 29, 30 }.All(safetyCar.Contains), $"the safety car did not show on the laps run wholly under it: {shown}");
        // The two safety cars in order, with the restart between them shown or not (it lasts half a lap).
        var order = seen.Select(s => s.Status).Where(s => s.Length > 0).Aggregate(new List<string>(), (run, s) =>
        {
            if (run.Count == 0 || run[^1] != s)
            {
                run.Add(s);
            }

            return run;
        });
        Assert.True(
            order.SequenceEqual(["green", "virtualSafetyCar", "green", "safetyCar", "green", "safetyCar", "green"])
            || order.SequenceEqual(["green", "virtualSafetyCar", "green", "safetyCar", "green"]),
            $"the banner did not go green, VSC, green, safety car(s), green: {shown}");
        Assert.Contains(seen, s => s.Status == "green" && s.Lap >= 32);
        Assert.DoesNotContain(seen, s => s.Lap <= 18 && s.Status is "safetyCar" or "virtualSafetyCar");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Without_the_development_token_the_page_asks_for_an_api_key_and_a_viewer_cannot_start_replays()
    {
        DashboardServer.SkipWithoutChromium();
        // A team of its own (the embedded server with no operator key takes its operator from this machine), with a viewer key.
        var created = await server.Http.PostAsJsonAsync("/api/v1/tenants", new { id = "web-team" }, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var admin = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("adminKey").GetProperty("key").GetString()!;
        using var adminClient = new HttpClient { BaseAddress = server.BaseAddress };
        adminClient.DefaultRequestHeaders.Add("X-Api-Key", admin);
        var viewer = await adminClient.PostAsJsonAsync("/api/v1/keys", new { name = "pit wall screen", role = "viewer" }, TestContext.Current.CancellationToken);
        var viewerKey = (await viewer.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("key").GetString()!;

        // The page as a cluster serves it: no development token.
        var page = await server.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 }, BaseURL = server.BaseAddress.ToString() });
        await page.RouteAsync("**/api/v1/auth/dev-token", route => route.FulfillAsync(new RouteFulfillOptions { Status = 404 }));
        await page.GotoAsync("/");
        await WaitUntil(async () => await page.Locator("#sign-in").IsVisibleAsync(), "the sign-in panel did not show");
        // No hub is wanted before a sign-in: no connection badge to say "Connecting" beside the panel.
        Assert.False(await page.Locator("#connection").IsVisibleAsync(), "the connection badge shows while the page asks for a key");

        // A wrong key is refused with the reason; the viewer's key signs in as the team's viewer.
        await page.FillAsync("#api-key", viewerKey[..^4] + "AAAA");
        await page.ClickAsync("#sign-in-button");
        await WaitUntil(async () => (await page.Locator("#sign-in-error").InnerTextAsync()).Length > 0, "a wrong key was not refused with a reason");
        await page.FillAsync("#api-key", viewerKey);
        await page.ClickAsync("#sign-in-button");
        await WaitUntil(async () => !await page.Locator("#sign-in").IsVisibleAsync(), "the viewer's key did not sign in");
        await WaitUntil(async () => (await page.Locator("#account").InnerTextAsync()).Contains("web-team", StringComparison.Ordinal), "the header does not name the team");
        Assert.Contains("viewer", await page.Locator("#account").InnerTextAsync(), StringComparison.Ordinal);
        await WaitUntil(async () => await page.Locator("#connection").InnerTextAsync() == "Live", "the viewer's page did not connect to the hub");
        Assert.True(await page.Locator("#connection").IsVisibleAsync());
        Assert.True(await page.Locator("#start-replay").IsDisabledAsync());
        Assert.False(string.IsNullOrEmpty(await page.Locator("#start-replay").GetAttributeAsync("title")));

        // Nothing of the key is left where other pages or the address could read it.
        Assert.DoesNotContain(viewerKey, page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        await AssertAccessible(page, "sign-in");
    }

    [Fact]
    public void The_built_dashboard_is_served_from_wwwroot_and_its_javascript_is_within_300_kB_gzip()
    {
        var wwwroot = Path.Combine(RepoPaths.Root, "src", "StratX.Server", "wwwroot");
        var index = File.ReadAllText(Path.Combine(wwwroot, "index.html"));
        var scripts = Directory.GetFiles(Path.Combine(wwwroot, "assets"), "*.js");
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.Contains($"assets/{Path.GetFileName(s)}", index, StringComparison.Ordinal));

        long gzipped = 0;
        foreach (var script in scripts)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gzip.Write(File.ReadAllBytes(script));
            }

            gzipped += buffer.Length;
        }

        Assert.InRange(gzipped, 1, 300 * 1024);
    }

    private static async Task WaitForRows(IPage page, int count) =>
        await WaitUntil(async () => await page.Locator(TowerRows).CountAsync() == count, $"the tower did not show {count} rows");

    private static async Task<IReadOnlyList<string>> PitColumn(IPage page) =>
        await page.Locator($"{TowerRows} td.pit").AllInnerTextsAsync();

    private static async Task<string> TowerText(IPage page) => await page.Locator("#tower-body").InnerTextAsync();

    private static async Task<IReadOnlyList<string>> TowerOrder(IPage page) =>
        await page.Locator(TowerRows).EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.driver)");

    private static async Task Screenshot(IPage page, string view, int width)
    {
        // A busy 2-core machine (the other test projects run beside this one) can take long to hand over a frame.
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DashboardServer.ScreenshotFolder, $"{view}-{width}.png"), Timeout = 120_000 });
        var overflow = await page.EvaluateAsync<string[]>(
            """
            () => {
              const bad = [];
              const root = document.documentElement;
              if (root.scrollWidth > root.clientWidth + 1 || root.scrollHeight > root.clientHeight + 1) bad.push('page');
              for (const el of document.querySelectorAll('body *')) {
                if (!(el instanceof HTMLElement) || el.offsetParent === null || el.clientWidth === 0) continue;
                const style = getComputedStyle(el);
                if (style.overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 && style.display !== 'inline') bad.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className}`);
                // A column that scrolls sideways hides what is past its edge (the tower's last columns) just the same.
                if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1) bad.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} scrolls sideways`);
              }
              return bad.slice(0, 10);
            }
            """);
        Assert.True(overflow.Length == 0, $"{view} at {width}px overflows: {string.Join(", ", overflow)}");
    }

    private static async Task AssertAccessible(IPage page, string view)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help} ({v.Nodes.Length} nodes: {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))})").ToList();
        Assert.True(serious.Count == 0, $"{view}: {string.Join("; ", serious)}");
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, string failure, TimeSpan? timeout = null)
    {
        // Patience, not a speed target: a CI machine running the cluster tests beside these has been starved for
        // minutes (a full-speed replay there once took over 90 s).
        var limit = timeout ?? TimeSpan.FromMinutes(3);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < limit, failure);
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
