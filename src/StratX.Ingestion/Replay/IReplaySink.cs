using StratX.Domain.Events;

namespace StratX.Ingestion.Replay;

/// <summary>Where a replay publishes. An implementation may hold the replay back (backpressure) by not completing.</summary>
public interface IReplaySink
{
    ValueTask PublishSessionEventAsync(SessionEvent sessionEvent, CancellationToken cancellationToken);

    ValueTask PublishTimingEventAsync(CarEvent timingEvent, CancellationToken cancellationToken);

    ValueTask PublishTelemetryAsync(TelemetryBatch batch, CancellationToken cancellationToken);
}
