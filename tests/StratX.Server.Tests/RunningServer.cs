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
    private string[] _settings = [];

    /// <summary>A server of its own, with settings added to (or overriding) the fixture's; dispose it.</summary>
    public static async Task<RunningServer> LaunchAsync(params string[] settings)
    {
        var server = new RunningServer { _settings = settings };
        await server.InitializeAsync();
        return server;
    }

    public Uri BaseAddress { get; private set; } = null!;

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
            .. _settings,
        ]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    public HubConnection Hub() => new HubConnectionBuilder()
        .WithUrl(new Uri(BaseAddress, "/hubs/race"))
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
