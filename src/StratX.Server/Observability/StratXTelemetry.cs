using OpenTelemetry.Metrics;
using StratX.Grains.Observability;

namespace StratX.Server.Observability;

/// <summary>Which metric exporters a node runs (<c>StratX:Observability</c>).</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "StratX:Observability";

    /// <summary>Serve the Prometheus scrape endpoint at <see cref="PrometheusPath"/>.</summary>
    public bool Prometheus { get; set; } = true;

    public string PrometheusPath { get; set; } = "/metrics";

    /// <summary>An OTLP collector to push metrics to (e.g. http://collector:4317); none when empty.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// Export Orleans' own meter (messaging, grains, streams, membership). Listening turns its per-message
    /// instruments on, which costs throughput at full-speed replay (docs/PERFORMANCE.md).
    /// </summary>
    public bool OrleansMetrics { get; set; } = true;
}

/// <summary>
/// OpenTelemetry metrics: StratX's own meter, Orleans' (<c>Microsoft.Orleans</c>), ASP.NET Core's and the
/// runtime's, exported to the Prometheus scrape endpoint and/or an OTLP collector as configured.
/// </summary>
public static class StratXTelemetry
{
    public const string OrleansMeter = "Microsoft.Orleans";

    public static void AddStratXTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>() ?? new ObservabilityOptions();
        builder.Services.Configure<ObservabilityOptions>(builder.Configuration.GetSection(ObservabilityOptions.Section));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
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
        });
    }

    public static void MapStratXTelemetry(this WebApplication app)
    {
        var options = app.Configuration.GetSection(ObservabilityOptions.Section).Get<ObservabilityOptions>() ?? new ObservabilityOptions();
        if (options.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(options.PrometheusPath);
        }
    }
}
