using Orleans;

namespace StratX.Domain.Events;

/// <summary>
/// Consecutive telemetry samples of one car. Telemetry travels in batches because a stream item costs far
/// more than a sample: one item per sample would cap ingestion well below a race's rate at replay speed.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TelemetryBatch : CarEvent
{
    /// <summary>Samples in time order; the batch's <see cref="RaceEvent.OccurredAt"/> is the last one's time.</summary>
    [Id(0)]
    public required TelemetrySample[] Samples { get; init; }
}

/// <summary>
/// One car-data sample. Speed in km/h; throttle in percent; brake 0 or 100; DRS as the feed codes it
/// (0/1 off, 8 eligible, 10/12/14 open); gear 0 is neutral.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct TelemetrySample(
    [property: Id(0)] long UtcTicks,
    [property: Id(1)] short Speed,
    [property: Id(2)] int Rpm,
    [property: Id(3)] byte Gear,
    [property: Id(4)] byte Throttle,
    [property: Id(5)] byte Brake,
    [property: Id(6)] byte Drs)
{
    /// <summary>The feed writes 104 into throttle and brake while a car stands still: not a reading.</summary>
    public const byte StationaryArtefact = 104;

    public DateTimeOffset Timestamp => new(UtcTicks, TimeSpan.Zero);

    public bool HasPedalReadings => Throttle != StationaryArtefact && Brake != StationaryArtefact;

    /// <summary>The feed sometimes reports gears above 8 while a car stands in the garage: not a gear.</summary>
    public bool HasGear => Gear <= 8;

    public bool IsDrsOpen => Drs is 10 or 12 or 14;

    public bool IsBraking => Brake > 0 && Brake != StationaryArtefact;
}
