using System.Threading.RateLimiting;
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
internal sealed class StreamReplaySink(IStreamProvider events, SessionKey session, InFlightWindow window, TimeProvider time, bool pipelined = false, StratXMetrics? metrics = null, int? maxEventsPerSecond = null) : IReplaySink, IDisposable
{
    // A token bucket refilled ten times a second holds a replay to its events-per-second quota; a telemetry batch
    // takes as many tokens as it has samples (at most a bucket's worth, so a batch larger than that still passes).
    private readonly int _bucket = Math.Max(1, (maxEventsPerSecond ?? 0) / 10);
    private readonly TokenBucketRateLimiter? _budget = maxEventsPerSecond is { } rate
        ? new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, rate / 10),
            TokensPerPeriod = Math.Max(1, rate / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        })
        : null;

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
        await Spend(1, cancellationToken);
        await window.EnterAsync(EventChannel.RaceControl, null, sessionEvent.Sequence, cancellationToken);
        await PublishTraced(_raceControl, sessionEvent with { IngestedAtTicks = Now });
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

        await Spend(1, cancellationToken);
        await window.EnterAsync(EventChannel.Timing, timingEvent.Car, timingEvent.Sequence, cancellationToken);
        await PublishTraced(stream, timingEvent with { IngestedAtTicks = Now });
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

        await Spend(batch.Samples.Length, cancellationToken);
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

    public void Dispose() => _budget?.Dispose();

    private async ValueTask Spend(int events, CancellationToken cancellationToken)
    {
        if (_budget is not null)
        {
            using var lease = await _budget.AcquireAsync(Math.Clamp(events, 1, _bucket), cancellationToken);
        }
    }

    /// <summary>Publishes an event in its ingest span: the stream item carries the span as its publisher.</summary>
    private async ValueTask PublishTraced<T>(IAsyncStream<T> stream, T item)
        where T : RaceEvent
    {
        using var span = StratXTracing.StartIngest(item, "replay");
        Task write;
        using (StratXTracing.Carry(span))
        {
            write = stream.OnNextAsync(item);
        }

        await Write(write);
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
