using StratX.Domain.Events;
using StratX.Domain.Identity;

namespace StratX.Ingestion.Replay;

/// <summary>
/// One thing a recording says happened, in time order: either an event (with its session and sequence number
/// already set) or a single telemetry sample, which carries its own per-car sample number instead, because
/// samples are batched later and a batch's sequence number is that of its last sample.
/// </summary>
public readonly record struct SourceItem
{
    private SourceItem(DateTimeOffset at, RaceEvent? @event, CarId car, TelemetrySample sample, long sampleSequence)
    {
        At = at;
        Event = @event;
        Car = car;
        Sample = sample;
        SampleSequence = sampleSequence;
    }

    public DateTimeOffset At { get; }

    /// <summary>The event, or null when this item is a telemetry sample.</summary>
    public RaceEvent? Event { get; }

    public CarId Car { get; }

    public TelemetrySample Sample { get; }

    /// <summary>For a sample: its number among this car's samples, from 1.</summary>
    public long SampleSequence { get; }

    public bool IsSample => Event is null;

    public static SourceItem ForEvent(RaceEvent @event) =>
        new(@event.OccurredAt, @event, @event is CarEvent c ? c.Car : default, default, 0);

    public static SourceItem ForSample(CarId car, TelemetrySample sample, long sampleSequence) =>
        new(sample.Timestamp, null, car, sample, sampleSequence);
}
