using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using OpenTelemetry.Trace;
using StratX.Grains.Observability;
using StratX.Grains.Updates;
using StratX.Server.Hubs;

namespace StratX.Server.Tests;

/// <summary>
/// A lap is one trace from the replay that ingests it, through the grain that applies it, to the SignalR send
/// of the update it caused. It runs in the metrics collection: an activity listener hears every server in
/// the process, and that collection runs alone.
/// </summary>
[Collection(nameof(MetricsCollection))]
public class TracingTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_lap_is_one_trace_from_ingest_through_the_car_grain_to_the_hub_send()
    {
        var spans = new List<Activity>();
        await using var server = await RunningServer.LaunchAsync(
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)),
            "--StratX:Observability:Traces", "true");
        const string session = "traced-bahrain";
        var predictions = 0;
        await using var hub = server.Hub();
        hub.On<PredictionsUpdate>(UpdateKinds.Predictions, _ => Interlocked.Increment(ref predictions));
        await hub.StartAsync(Ct);
        await hub.InvokeAsync<SessionSnapshot>("JoinSession", session, Ct);
        await server.StartAsync("2023-bahrain-race", sessionId: session, includeTelemetry: false);
        await server.WaitForIngestionAsync(session);
        var waited = Stopwatch.StartNew();
        while (Volatile.Read(ref predictions) == 0 && waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100, Ct);
        }

        await Task.Delay(500, Ct);
        List<Activity> all;
        lock (spans)
        {
            all = [.. spans];
        }

        var byId = all.ToDictionary(s => (s.TraceId, s.SpanId));
        var ingests = all.Where(s => s.DisplayName == "ingest LapCompleted").ToList();
        var applies = all.Where(s => s.DisplayName == "apply LapCompleted").ToList();
        var sends = all.Where(s => s.DisplayName == $"hub send {UpdateKinds.Predictions}").ToList();

        // 20 cars, 1055 laps in the recording: every lap ingested is traced and applied in its own trace.
        Assert.Equal(1055, ingests.Count);
        Assert.Equal(ingests.Count, ingests.Select(s => s.TraceId).Distinct().Count());
        Assert.All(ingests, s => Assert.Equal(ActivityKind.Producer, s.Kind));
        Assert.All(ingests, s => Assert.Equal(default, s.ParentSpanId));
        Assert.True(applies.Count >= ingests.Count, $"{applies.Count} laps applied in a trace, {ingests.Count} ingested");
        foreach (var apply in applies)
        {
            Assert.True(byId.TryGetValue((apply.TraceId, apply.ParentSpanId), out var parent), $"apply of car {apply.GetTagItem("stratx.car")} lap {apply.GetTagItem("stratx.lap")} has no parent span");
            Assert.Equal("ingest LapCompleted", parent.DisplayName);
            Assert.Equal(parent.GetTagItem("stratx.car"), apply.GetTagItem("stratx.car"));
            Assert.Equal(parent.GetTagItem("stratx.lap"), apply.GetTagItem("stratx.lap"));
            Assert.True(apply.StartTimeUtc >= parent.StartTimeUtc);
        }

        // Each predictions update the browser received left in the trace of the lap that caused it.
        Assert.NotEmpty(sends);
        Assert.True(sends.Count >= Volatile.Read(ref predictions), $"{sends.Count} traced predictions sends, {predictions} received");
        foreach (var send in sends)
        {
            var apply = byId[(send.TraceId, send.ParentSpanId)];
            Assert.Equal("apply LapCompleted", apply.DisplayName);
            var ingest = byId[(apply.TraceId, apply.ParentSpanId)];
            Assert.Equal("ingest LapCompleted", ingest.DisplayName);
            Assert.True(send.StartTimeUtc >= apply.StartTimeUtc);
        }

        // Race control too: each message reaches the hub in the trace of the event that carried it.
        var raceControl = all.Where(s => s.DisplayName == $"hub send {UpdateKinds.RaceControl}")
            .Select(s => byId[(s.TraceId, s.ParentSpanId)])
            .Select(apply => (apply, ingest: byId[(apply.TraceId, apply.ParentSpanId)]))
            .ToList();
        Assert.NotEmpty(raceControl);
        Assert.All(raceControl, c => Assert.Equal(("apply RaceControlMessage", "ingest RaceControlMessage"), (c.apply.DisplayName, c.ingest.DisplayName)));
        Assert.DoesNotContain(all, s => s.DisplayName.Contains("Telemetry", StringComparison.Ordinal));
        Assert.All(all.Where(s => s.Source.Name == StratXTracing.SourceName), s => Assert.DoesNotContain(s.Tags, t => t.Value is string v && v.Contains(session, StringComparison.Ordinal)));
    }
}
