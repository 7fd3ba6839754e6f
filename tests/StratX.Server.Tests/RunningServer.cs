using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StratX.Grains.Ingestion;
using StratX.Grains.Views;
using StratX.Tests;

namespace StratX.Server.Tests;

/// <summary>The real server (Kestrel and its co-hosted silo) on a free port of 127.0.0.1, without the demo replay.</summary>
public sealed class RunningServer : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _anonymous;
    private string[] _settings = [];
    private Action<WebApplicationBuilder>? _configure;

    /// <summary>A server of its own, with settings added to (or overriding) the fixture's; dispose it.</summary>
    public static Task<RunningServer> LaunchAsync(params string[] settings) => LaunchAsync(null, settings);

    /// <summary>A server of its own whose builder <paramref name="configure"/> adjusts before it is built (e.g. a test exporter); dispose it.</summary>
    public static async Task<RunningServer> LaunchAsync(Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        var server = new RunningServer { _settings = settings, _configure = configure };
        await server.InitializeAsync();
        return server;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public HttpClient Http { get; private set; } = null!;

    public static JsonSerializerOptions Json { get; } = CreateJson();

    public async ValueTask InitializeAsync()
    {
        _app = StratXServer.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--StratX:Demo:Enabled", "false",
            "--StratX:DataRoot", RepoPaths.Data,
            "--StratX:Models:Path", Path.Combine(RepoPaths.Root, "models"),
            "--Orleans:SiloPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Orleans:GatewayPort", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default", "Warning",
            // Tests replay whole races at full speed: the replay quota is lifted (QuotaTests sets tenants' own).
            "--StratX:Quotas:ReplayEventsPerSecond", "100000000",
            .. _settings,
        ], _configure);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Http = new HttpClient { BaseAddress = BaseAddress };
        if (Embedded)
        {
            // The embedded default's own sign-in: the demo tenant's admin, asked for from this machine.
            Token = (await Http.GetFromJsonAsync<JsonElement>("/api/v1/auth/dev-token", TestContext.Current.CancellationToken)).GetProperty("token").GetString()!;
            Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        }
    }

    /// <summary>The demo tenant admin's development token (embedded mode); <see cref="Http"/> and <see cref="Hub"/> send it.</summary>
    public string? Token { get; private set; }

    private bool Embedded => StratX.Grains.Hosting.ClusterHosting.Mode(_app!.Configuration) == StratX.Grains.Hosting.StratXMode.Embedded;

    /// <summary>A new client of the server without credentials, for a caller to set up and dispose.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress };

    /// <summary>Sends a request as it is, with no credential beyond those it carries, on a client the server keeps.</summary>
    public Task<HttpResponseMessage> SendAnonymousAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        (_anonymous ??= Anonymous()).SendAsync(request, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        _anonymous?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public HubConnection Hub(string? token = null) => new HubConnectionBuilder()
        .WithUrl(new Uri(BaseAddress, "/hubs/race"), o => o.AccessTokenProvider = () => Task.FromResult(token ?? Token))
        .AddJsonProtocol(o => StratXServer.ConfigureJson(o.PayloadSerializerOptions))
        .Build();

    /// <summary>Starts a replay of a bundled race and returns the session id.</summary>
    public async Task<string> StartAsync(string race, string speed = "max", string? sessionId = null, bool includeTelemetry = true)
    {
        var response = await Http.PostAsJsonAsync("/api/v1/sessions", new { race, speed, sessionId, includeTelemetry }, Json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var summary = await response.Content.ReadFromJsonAsync<SessionSummary>(Json);
        return summary!.Session.Session.Value;
    }

    public async Task<SessionSummary> WaitForIngestionAsync(string sessionId)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var summary = await Http.GetFromJsonAsync<SessionSummary>($"/api/v1/sessions/{sessionId}", Json);
            if (summary?.Ingestion is { IsFinished: true })
            {
                Assert.Equal(IngestionState.Completed, summary.Ingestion.State);
                return summary;
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"Session {sessionId} did not finish ingesting: {summary?.Ingestion?.State}");
            }

            await Task.Delay(200);
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        StratXServer.ConfigureJson(options);
        return options;
    }

}
