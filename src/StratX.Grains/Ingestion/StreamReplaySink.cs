using Orleans.Streams;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Grains.Streams;
using StratX.Ingestion.Replay;

namespace StratX.Grains.Ingestion;

/// <summary>
/// Publishes a replay onto the session's Orleans streams, holding it back while too much is in flight. Each
/// item is stamped with the moment it is admitted into the pipeline (<see cref="RaceEvent.IngestedAtTicks"/>):
/// latency downstream is measured from there, not from when a full-speed reader happened to read it.
/// </summary>
internal sealed class StreamReplaySink(IStreamProvider events, SessionKey session, InFlightWindow window, TimeProvider time) : IReplaySink
{
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
        await _raceControl.OnNextAsync(sessionEvent with { IngestedAtTicks = Now });
        Events++;
    }

    public async ValueTask PublishTimingEventAsync(CarEvent timingEvent, CancellationToken cancellationToken)
    {
        if (!_timing.TryGetValue(timingEvent.Car, out var stream))
        {
            stream = RaceStreams.Timing(events, session.Car(timingEvent.Car));
            _timing[timingEvent.Car] = stream;
        }

        await window.EnterAsync(EventChannel.Timing, timingEvent.Car, timingEvent.Sequence, cancellationToken);
        await stream.OnNextAsync(timingEvent with { IngestedAtTicks = Now });
        Events++;
    }

    public async ValueTask PublishTelemetryAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        if (!_telemetry.TryGetValue(batch.Car, out var stream))
        {
            stream = RaceStreams.Telemetry(events, session.Car(batch.Car));
            _telemetry[batch.Car] = stream;
        }

        await window.EnterAsync(EventChannel.Telemetry, batch.Car, batch.Sequence, cancellationToken);
        await stream.OnNextAsync(batch with { IngestedAtTicks = Now });
        TelemetryBatches++;
        TelemetrySamples += batch.Samples.Length;
    }

    private long Now => time.GetUtcNow().UtcTicks;
}
