using System.Text.RegularExpressions;

namespace StratX.Server.Tests;

/// <summary>
/// Run alone: OpenTelemetry's provider listens to every meter of its name in the process, and the other test
/// classes' servers live in this process too (a node runs one server per process).
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

/// <summary>/metrics (Prometheus text) after real replays, a simulation and a strategy plan on the real server.</summary>
[Collection(nameof(MetricsCollection))]
public partial class MetricsTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_replay_a_simulation_and_a_plan_show_every_stratx_metric_with_plausible_values_and_no_tenant_or_session()
    {
        var (bahrain, metrics) = await MetricsWorkload.RunAsync(server, Ct);

        // This server (the class's own) replayed telemetry only for Bahrain: the counter is its sample count.
        Assert.Equal(bahrain.Ingestion!.TelemetrySamples, metrics.Sum("stratx_events_ingested_total", "source=\"replay\"", "kind=\"telemetry\""));
        Assert.True(bahrain.Ingestion.TelemetrySamples > 100_000);
        Assert.True(metrics.Sum("stratx_events_ingested_total", "kind=\"timing\"") > 1000, "timing events ingested");
        Assert.True(metrics.Sum("stratx_events_ingested_total", "kind=\"race-control\"") > 0, "race-control events ingested");
        Assert.Equal(0, metrics.Sum("stratx_events_rejected_total", "source=\"replay\"", "reason=\"invalid-input\""));
        Assert.True(metrics.Has("stratx_events_rejected_total"), "the rejection series exists before any rejection");

        foreach (var histogram in new[] { "stratx_ingest_lag_seconds", "stratx_lap_to_client_latency_seconds" })
        {
            var count = metrics.Sum($"{histogram}_count");
            Assert.True(count > 100, $"{histogram}: {count} observations");
            var mean = metrics.Sum($"{histogram}_sum") / count;
            Assert.InRange(mean, 0.000001, 10);
        }

        Assert.True(metrics.Sum("stratx_lap_to_client_latency_seconds_count", "kind=\"car\"") > 0);
        Assert.True(metrics.Sum("stratx_predictions_total", "task=\"next-lap\"", "source=\"model\"") > 500, "next-lap predictions by the model");
        Assert.Contains(metrics.Lines("stratx_predictions_total"), l => VersionLabel().IsMatch(l));
        Assert.True(metrics.Has("stratx_model_fallbacks_total"), "fallback series per predicted task");
        Assert.True(metrics.Sum("stratx_simulation_runs_total", "kind=\"interactive\"") >= 1, "the simulation request");
        Assert.True(metrics.Sum("stratx_simulation_duration_seconds_count") >= 2, "the simulation request and the plan");
        Assert.True(metrics.Sum("stratx_recommendations_total") >= 1);

        // Every call of the workload (REST, the hub, the replay's streams, grain timers and reminders) acted for its
        // tenant: the tenant call filter refused none, and its series exist before any refusal.
        Assert.True(metrics.Has("stratx_grain_calls_denied_total"), "the denied-call series exists before any denial");
        Assert.Equal(0, metrics.Sum("stratx_grain_calls_denied_total"));
        Assert.Contains(metrics.All, l => l.StartsWith("orleans_", StringComparison.Ordinal));

        // No tenant, session or grain key as a dimension.
        Assert.DoesNotContain(metrics.All, l => l.Contains("demo", StringComparison.Ordinal) || l.Contains(MetricsWorkload.Watched, StringComparison.Ordinal) || l.Contains(MetricsWorkload.Planned, StringComparison.Ordinal));
    }

    [GeneratedRegex("version=\"v\\d+\"")]
    private static partial Regex VersionLabel();
}
