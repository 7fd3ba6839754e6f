using Orleans.Streams;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Grains.Observability;
using StratX.Grains.Streams;
using StratX.Ingestion.Replay;

namespace StratX.Grains.Ingestion;

/// <summary>
/// Publishes a replay onto the session's Orleans streams, holding it back while too much is in flight. Each
/// item is stamped with the moment it is admitted into the pipeline (<see cref="RaceEvent.IngestedAtTicks"/>):
/// latency downstream is measured from there, not from when a full-speed reader happened to read it.
/// </summary>
/// <remarks>
/// With <paramref name="pipelined"/> (a provider that hands writes to its log in call order, and completes
/// each once the log has it: the Kafka provider) the sink does not wait for one write to complete before it
/// issues the next; the in-flight window still bounds how many are outstanding, and <see cref="FlushAsync"/>
/// waits for the rest. Otherwise each write completes before the next is issued.
/// </remarks>
internal sealed class StreamReplaySink(IStreamProvider events, SessionKey session, InFlightWindow window, TimeProvider time, bool pipelined = false, StratXMetrics? metrics = null) : IReplaySink
{
    private readonly Queue<Task> _writes = new();
    private readonly Dictionary<CarId, IAsyncStream<CarEvent>> _timing = [];
    private readonly Dictionary<CarId, IAsyncStream<TelemetryBatch>> _telemetry = [];
    private readonly IAsyncStream<SessionEvent> _raceControl = RaceStreams.RaceControl(events, session);

    public long Published => Events + TelemetryBatches;

    public long Events { get; private set; }

    public long TelemetryBatches { get; private set; }

    public long TelemetrySamples { get; private set; }

    public async ValueTask PublishSessionEventAsync(SessionEvent sessionEvent, CancellationToken cancellationToken)
    {
        await window.EnterAsync(EventChannel.RaceControl, null, sessionEvent.Sequence, cancellationToken);
        await Write(_raceControl.OnNextAsync(sessionEvent with { IngestedAtTicks = Now }));
        Events++;
        metrics?.Ingested("replay", "race-control");
    }

    public async ValueTask PublishTimingEventAsync(CarEvent timingEvent, CancellationToken cancellationToken)
    {
        if (!_timing.TryGetValue(timingEvent.Car, out var stream))
        {
            stream = RaceStreams.Timing(events, session.Car(timingEvent.Car));
            _timing[timingEvent.Car] = stream;
        }

        await window.EnterAsync(EventChannel.Timing, timingEvent.Car, timingEvent.Sequence, cancellationToken);
        await Write(stream.OnNextAsync(timingEvent with { IngestedAtTicks = Now }));
        Events++;
        metrics?.Ingested("replay", "timing");
    }

    public async ValueTask PublishTelemetryAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        if (!_telemetry.TryGetValue(batch.Car, out var stream))
        {
            stream = RaceStreams.Telemetry(events, session.Car(batch.Car));
            _telemetry[batch.Car] = stream;
        }

        await window.EnterAsync(EventChannel.Telemetry, batch.Car, batch.Sequence, cancellationToken);
        await Write(stream.OnNextAsync(batch with { IngestedAtTicks = Now }));
        TelemetryBatches++;
        TelemetrySamples += batch.Samples.Length;
        metrics?.Ingested("replay", "telemetry", batch.Samples.Length);
    }

    /// <summary>Waits until every write issued so far has completed (a failed write throws here).</summary>
    public async Task FlushAsync()
    {
        while (_writes.TryDequeue(out var write))
        {
            await write;
        }
    }

    private async ValueTask Write(Task write)
    {
        if (!pipelined)
        {
            await write;
            return;
        }

        _writes.Enqueue(write);
        while (_writes.TryPeek(out var oldest) && (oldest.IsCompleted || _writes.Count > window.Capacity))
        {
            await _writes.Dequeue();
        }
    }

    private long Now => time.GetUtcNow().UtcTicks;
}
