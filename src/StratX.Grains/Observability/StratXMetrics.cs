using System.Diagnostics;
using System.Diagnostics.Metrics;
using StratX.Domain.Predictions;
using StratX.Grains.Security;
using StratX.Grains.TeamTelemetry;

namespace StratX.Grains.Observability;

/// <summary>
/// StratX's own metrics, on the meter <see cref="MeterName"/> (on /metrics as <c>stratx_…</c>). Dimensions are
/// bounded and never name a tenant, a session or a grain: source, kind, reason, task, model version.
/// </summary>
public sealed class StratXMetrics
{
    public const string MeterName = "StratX";

    /// <summary>Bucket bounds (seconds) for the latency histograms: 1 ms to 30 s.</summary>
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly Counter<long> _ingested;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _ingestLag;
    private readonly Histogram<double> _lapToClient;
    private readonly Counter<long> _predictions;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _simulations;
    private readonly Histogram<double> _simulationDuration;
    private readonly Counter<long> _recommendations;
    private readonly Counter<long> _deniedCalls;
    private readonly TimeProvider _time;

    public StratXMetrics(IMeterFactory meters, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(MeterName);
        _ingested = meter.CreateCounter<long>("stratx.events.ingested", "{event}", "Source events published into the streams (a telemetry sample counts as one)");
        _rejected = meter.CreateCounter<long>("stratx.events.rejected", "{event}", "Source events refused, by source and reason");
        _ingestLag = meter.CreateHistogram<double>("stratx.ingest.lag", "s", "From ingestion to a grain applying the event",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _lapToClient = meter.CreateHistogram<double>("stratx.lap_to_client.latency", "s", "From ingesting a lap to its update leaving for the browsers watching",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _predictions = meter.CreateCounter<long>("stratx.predictions", "{prediction}", "Predictions made, by task, source (model or rule) and model version");
        _fallbacks = meter.CreateCounter<long>("stratx.model.fallbacks", "{prediction}", "Predictions answered by a rule instead of a model, by task");
        _simulations = meter.CreateCounter<long>("stratx.simulation.runs", "{simulation}", "Simulations run (a plan, a what-if, a simulation request), by kind");
        _simulationDuration = meter.CreateHistogram<double>("stratx.simulation.duration", "s", "How long a simulation took, waiting excluded",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        // Every rejection series exists from the start (at 0), so a rejection rate can be read before any rejection.
        _rejected.Add(0, new("source", "replay"), new("reason", "invalid-input"));
        foreach (var reason in TelemetryRejectionReasons.All)
        {
            _rejected.Add(0, new("source", "team"), new("reason", reason.Code()));
        }

        _recommendations = meter.CreateCounter<long>("stratx.recommendations", "{recommendation}", "Strategy plans made (a recommended strategy with its confidence), by what triggered them");
        _deniedCalls = meter.CreateCounter<long>("stratx.grain_calls.denied", "{call}", "Calls to a tenant's grain refused by the tenant call filter, by reason");
        // Like the rejections, at 0 from the start: an alert on any denial needs no first denial to exist.
        foreach (var reason in TenantCallFilter.Reasons)
        {
            _deniedCalls.Add(0, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void Ingested(string source, string kind, long count = 1) =>
        _ingested.Add(count, new("source", source), new("kind", kind));

    public void Rejected(string source, string reason) =>
        _rejected.Add(1, new("source", source), new("reason", reason));

    /// <summary>A grain applied an event ingested at <paramref name="ingestedAtTicks"/> (0: unknown, not recorded).</summary>
    public void Applied(string kind, long ingestedAtTicks)
    {
        if (ingestedAtTicks > 0)
        {
            _ingestLag.Record(Seconds(ingestedAtTicks), new KeyValuePair<string, object?>("kind", kind));
        }
    }

    /// <summary>An update caused by an ingested event left for the browsers.</summary>
    public void Delivered(string kind, long ingestedAtTicks)
    {
        if (ingestedAtTicks > 0)
        {
            _lapToClient.Record(Seconds(ingestedAtTicks), new KeyValuePair<string, object?>("kind", kind));
        }
    }

    public void Scored(CarPredictions predictions)
    {
        Count(predictions.NextLap?.Origin);
        Count(predictions.PitNextLap?.Origin);
        Count(predictions.Overtake?.Origin);
        Count(predictions.Degradation?.Origin);
        Count(predictions.Anomaly?.Origin);
        Count(predictions.PitLoss?.Origin);
        Count(predictions.Hazard?.Origin);
    }

    /// <summary>Runs a simulation and records it.</summary>
    public T Simulated<T>(string kind, Func<T> run)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return run();
        }
        finally
        {
            _simulations.Add(1, new KeyValuePair<string, object?>("kind", kind));
            _simulationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    /// <summary>A strategy plan was made and published (triggered by <paramref name="reason"/>: a lap, a track status change, a request).</summary>
    public void Recommended(string reason) => _recommendations.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>The tenant call filter refused a call; the reason only, never the tenant or the key.</summary>
    public void GrainCallDenied(string reason) => _deniedCalls.Add(1, new KeyValuePair<string, object?>("reason", reason));

    private void Count(PredictionOrigin? origin)
    {
        if (origin is null)
        {
            return;
        }

        var source = origin.Source == PredictionSource.Model ? "model" : "rule";
        _predictions.Add(1, new("task", origin.Task), new("source", source), new("version", origin.Version is { } v ? $"v{v}" : "rule"));

        // Counted at 0 for a model's prediction too, so every predicted task has a fallback series to divide.
        _fallbacks.Add(origin.Source == PredictionSource.Rule ? 1 : 0, new KeyValuePair<string, object?>("task", origin.Task));
    }

    private double Seconds(long ingestedAtTicks) => Math.Max(0, (_time.GetUtcNow().UtcTicks - ingestedAtTicks) / (double)TimeSpan.TicksPerSecond);
}
