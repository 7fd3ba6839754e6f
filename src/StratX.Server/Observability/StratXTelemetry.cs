using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StratX.Grains.Observability;

namespace StratX.Server.Observability;

/// <summary>What a node exports and how it logs (<c>StratX:Observability</c>).</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "StratX:Observability";

    /// <summary>Serve the Prometheus scrape endpoint at <see cref="PrometheusPath"/>.</summary>
    public bool Prometheus { get; set; } = true;

    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>An OTLP collector to push metrics and traces to (e.g. http://collector:4317); none when empty.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Application Insights' connection string: metrics, traces and logs go to Azure Monitor. The standard
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> variable is read when this is empty.
    /// </summary>
    public string? AzureMonitorConnectionString { get; set; }

    /// <summary>
    /// Export Orleans' own meter (messaging, grains, streams, membership). Listening turns its per-message
    /// instruments on, which costs throughput at full-speed replay (docs/PERFORMANCE.md).
    /// </summary>
    public bool OrleansMetrics { get; set; } = true;

    /// <summary>
    /// Record traces. Left empty, a node traces when it has somewhere to send them (OTLP or Azure Monitor).
    /// </summary>
    public bool? Traces { get; set; }

    /// <summary>The share of new traces kept (0 to 1); a span whose parent was kept is always kept.</summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>
    /// Add Orleans' grain-call spans (every grain call and stream delivery becomes a span: costly at full speed)
    /// to StratX's own, ASP.NET Core's, SignalR's and Npgsql's.
    /// </summary>
    public bool OrleansTraces { get; set; }

    /// <summary><c>simple</c> (one readable line per entry) or <c>json</c> (one JSON object per line, with scopes).</summary>
    public string LogFormat { get; set; } = "simple";

    /// <summary>Map the Orleans dashboard at <c>/dashboard</c> (operators only, see <see cref="OperatorAccess"/>).</summary>
    public bool Dashboard { get; set; } = true;

    public string? AzureMonitor => AzureMonitorConnectionString is { Length: > 0 } configured
        ? configured
        : Environment.GetEnvironmentVariable("APPLICATIONINSIGHTS_CONNECTION_STRING") is { Length: > 0 } standard ? standard : null;

    public bool TracesOn => Traces ?? (OtlpEndpoint is { Length: > 0 } || AzureMonitor is not null);

    public static ObservabilityOptions From(IConfiguration config) =>
        config.GetSection(Section).Get<ObservabilityOptions>() ?? new ObservabilityOptions();
}

/// <summary>
/// OpenTelemetry: metrics (StratX's meter, Orleans', ASP.NET Core's, the runtime's) and traces (StratX's spans
/// from ingest to hub send, ASP.NET Core, SignalR, Npgsql, optionally Orleans' grain calls), exported to the
/// Prometheus scrape endpoint, an OTLP collector and/or Azure Monitor as configured; logs as text or JSON lines.
/// </summary>
public static class StratXTelemetry
{
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The activity sources of Orleans' grain calls (application grains and runtime).</summary>
    public static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime"];

    public static void AddStratXTelemetry(this WebApplicationBuilder builder)
    {
        var options = ObservabilityOptions.From(builder.Configuration);
        builder.Services.Configure<ObservabilityOptions>(builder.Configuration.GetSection(ObservabilityOptions.Section));
        AddLogging(builder.Logging, options);

        var telemetry = builder.Services.AddOpenTelemetry();
        telemetry.WithMetrics(metrics =>
        {
            metrics
                .AddMeter(options.OrleansMetrics ? [StratXMetrics.MeterName, OrleansMeter] : [StratXMetrics.MeterName])
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation();
            if (options.Prometheus)
            {
                metrics.AddPrometheusExporter();
            }

            if (options.OtlpEndpoint is { Length: > 0 } endpoint)
            {
                metrics.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
            }

            if (options.AzureMonitor is { } connection)
            {
                metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = connection);
            }
        });

        if (options.TracesOn)
        {
            var ratio = Math.Clamp(options.TraceSampleRatio, 0, 1);
            telemetry.WithTracing(traces =>
            {
                traces
                    .AddSource(StratXTracing.SourceName, "Microsoft.AspNetCore.SignalR.Server", "Npgsql")
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsScrapeOrProbe(context.Request.Path, options));
                if (options.OrleansTraces)
                {
                    traces.AddSource(OrleansActivitySources);
                }

                if (options.OtlpEndpoint is { Length: > 0 } endpoint)
                {
                    traces.AddOtlpExporter(o => o.Endpoint = new Uri(endpoint));
                }

                if (options.AzureMonitor is { } connection)
                {
                    // The exporter's own default is rate-limited sampling (5 traces/s): StratX's ratio applies instead.
                    traces.AddAzureMonitorTraceExporter(o =>
                    {
                        o.ConnectionString = connection;
                        o.TracesPerSecond = null;
                        o.SamplingRatio = (float)ratio;
                    });
                }

                // Last, so that no exporter's sampler replaces it.
                traces.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)));
            });
        }
    }

    public static void MapStratXTelemetry(this WebApplication app)
    {
        var options = ObservabilityOptions.From(app.Configuration);
        if (options.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(options.PrometheusPath);
        }
    }

    private static void AddLogging(ILoggingBuilder logging, ObservabilityOptions options)
    {
        // Every entry written inside a span carries its trace and span ids: a lap's log lines join its trace.
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        switch (options.LogFormat.ToLowerInvariant())
        {
            case "json":
                logging.AddJsonConsole(o =>
                {
                    o.IncludeScopes = true;
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                });
                break;
            case "simple":
                break;
            default:
                throw new InvalidOperationException($"{ObservabilityOptions.Section}:LogFormat is '{options.LogFormat}': use 'simple' or 'json'.");
        }

        if (options.AzureMonitor is { } connection)
        {
            logging.AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = true;
                // Every entry at the configured level is sent, whether or not its trace was sampled.
                o.AddAzureMonitorLogExporter(e =>
                {
                    e.ConnectionString = connection;
                    e.EnableTraceBasedLogsSampler = false;
                });
            });
        }
    }

    private static bool IsScrapeOrProbe(PathString path, ObservabilityOptions options) =>
        path.StartsWithSegments(options.PrometheusPath, StringComparison.Ordinal) || path.StartsWithSegments("/health", StringComparison.Ordinal);
}
