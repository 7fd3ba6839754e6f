using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StratX.Server.Tests;

/// <summary>
/// With an Application Insights connection string the node sends its traces and logs to Azure Monitor. Azure
/// cannot run here: the connection string points the real exporter at a local endpoint that answers as the
/// ingestion service does and keeps what it was sent. It runs in the metrics collection: its tracer hears the
/// StratX spans of every server in the process, and that collection runs alone.
/// </summary>
[Collection(nameof(MetricsCollection))]
public class AzureMonitorExportTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_node_with_a_connection_string_sends_its_lap_spans_requests_and_logs_to_the_ingestion_endpoint()
    {
        var received = new ConcurrentQueue<string>();
        var (ingestion, address) = await StartIngestionAsync(received);
        await using var stopIngestion = ingestion;
        var connection = $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={address}/";
        await using var server = await RunningServer.LaunchAsync(
            $"--StratX:Observability:AzureMonitorConnectionString", connection,
            "--StratX:Observability:Prometheus", "false",
            "--Logging:LogLevel:StratX", "Information");

        const string session = "monitored-bahrain";
        await server.StartAsync("2023-bahrain-race", sessionId: session, includeTelemetry: false);
        await server.WaitForIngestionAsync(session);
        var rollout = await server.Http.PostAsJsonAsync("/api/v1/models/pit-next-lap/rollout", new { version = 1 }, RunningServer.Json, Ct);
        Assert.Equal(HttpStatusCode.OK, rollout.StatusCode);

        // The exporter sends in batches every few seconds.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        string All() => string.Join('\n', received);
        int LapSpans() => received.Count(item => item.Contains("\"name\":\"ingest LapCompleted\"", StringComparison.Ordinal));
        while (!(LapSpans() >= 1055
                 && All().Contains("rolled out to v1", StringComparison.Ordinal)
                 && All().Contains("/api/v1/sessions", StringComparison.Ordinal))
               && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(250, Ct);
        }

        var sent = All();
        Assert.Contains("\"iKey\":\"00000000-0000-0000-0000-000000000001\"", sent, StringComparison.Ordinal);
        // Every lap's span: the exporter's own rate-limited sampling (5 traces/s by default) does not apply.
        Assert.Equal(1055, LapSpans());
        Assert.Contains("Model task pit-next-lap rolled out to v1", sent, StringComparison.Ordinal);
        Assert.Contains("/api/v1/sessions", sent, StringComparison.Ordinal);
    }

    /// <summary>A stand-in for Application Insights' ingestion: POST /v2.1/track, gzip'd JSON lines, a track result back.</summary>
    private static async Task<(WebApplication App, string Address)> StartIngestionAsync(ConcurrentQueue<string> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v2.1/track", async (HttpContext context) =>
        {
            Stream body = context.Request.Body;
            if (context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                body = new GZipStream(body, CompressionMode.Decompress);
            }

            using var reader = new StreamReader(body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            var items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            foreach (var item in items)
            {
                received.Enqueue(item);
            }

            return Results.Json(new { itemsReceived = items.Length, itemsAccepted = items.Length, errors = Array.Empty<object>() });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, address);
    }
}
