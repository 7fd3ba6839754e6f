using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using StratX.Server;
using StratX.Tests;

namespace StratX.Web.Tests;

/// <summary>
/// The real server on a fixed free port of 127.0.0.1 (so it can be restarted at the same address) and
/// Debian's Chromium driven by Playwright. The browser tests skip, saying why, where Chromium is missing;
/// scripts/test.sh installs it.
/// </summary>
public sealed class DashboardServer : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly int _port = FreePorts.Next();
    private readonly int _siloPort = FreePorts.Next();
    private readonly int _gatewayPort = FreePorts.Next();
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public Uri BaseAddress => new($"http://127.0.0.1:{_port}");

    public HttpClient Http { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public static JsonSerializerOptions Json { get; } = CreateJson();

    /// <summary>Where screenshots go: the test output folder, kept with the test results.</summary>
    public static string ScreenshotFolder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public async ValueTask InitializeAsync()
    {
        Http.BaseAddress = BaseAddress;
        await StartServerAsync();
        if (File.Exists(ChromiumPath))
        {
            _playwright = await Playwright.CreateAsync();
            Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        await StopServerAsync();
        Http.Dispose();
    }

    public static void SkipWithoutChromium() =>
        Assert.SkipUnless(File.Exists(ChromiumPath), $"Chromium is not at {ChromiumPath}: bash scripts/test.sh installs it (apt install chromium).");

    public async Task StartServerAsync()
    {
        _app = StratXServer.Build(
        [
            "--urls", BaseAddress.ToString().TrimEnd('/'),
            "--StratX:Demo:Enabled", "false",
            "--StratX:DataRoot", RepoPaths.Data,
            "--StratX:Models:Path", Path.Combine(RepoPaths.Root, "models"),
            "--webroot", Path.Combine(RepoPaths.Root, "src", "StratX.Server", "wwwroot"),
            "--Orleans:SiloPort", _siloPort.ToString(CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", _gatewayPort.ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
            // Tests replay whole races at full speed: the replay quota is lifted.
            "--StratX:Quotas:ReplayEventsPerSecond", "100000000",
            // The page is under test here, not the search. At the default 60 x 500 races a plan takes seconds on an idle
            // core; on CI, where this server shares two cores with the system tests' clusters, the car's plans took so
            // long while a lap came every 5 s that the strategy view waited 90 s for its first one and then the race
            // was over. Plans keep their shape (candidates, distributions, wear) on this lighter budget.
            "--StratX:Strategy:RunsPerCandidate", "100",
            "--StratX:Strategy:MaxCandidates", "30",
            "--StratX:Strategy:QuestionRuns", "200",
        ]);
        await _app.StartAsync();

        // The embedded default's own sign-in, as the page itself does it (a restarted server has a new signing key).
        Http.DefaultRequestHeaders.Authorization = null;
        var token = (await Http.GetFromJsonAsync<JsonElement>("/api/v1/auth/dev-token")).GetProperty("token").GetString();
        Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    }

    public async Task StopServerAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>A page at the given size that records console errors and uncaught exceptions.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(string path, int width = 1920, int height = 1080)
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, BaseURL = BaseAddress.ToString() });
        // Playwright's 30 s per action is patience a CI machine starved by the cluster tests beside these can use up.
        page.SetDefaultTimeout(90_000);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        await page.GotoAsync(path);
        return (page, errors);
    }

    /// <summary>Starts a replay of a bundled race; returns the session id.</summary>
    public async Task<string> StartReplayAsync(string race, string sessionId, string speed, int? paceFromLap = null, bool includeTelemetry = true)
    {
        var response = await Http.PostAsJsonAsync("/api/v1/sessions", new { race, speed, sessionId, includeTelemetry, paceFromLap }, Json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return sessionId;
    }

    public async Task<JsonElement> GetAsync(string path) =>
        await Http.GetFromJsonAsync<JsonElement>(path, Json);

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions();
        StratXServer.ConfigureJson(options);
        return options;
    }

}
