using Orleans;
using StratX.Domain.Identity;

namespace StratX.Domain.Events;

/// <summary>
/// Something that happened in a session, as a source reports it. Every event carries its session and a
/// sequence number that is dense and increasing within its stream: per car on the timing stream, per car on
/// the telemetry stream, per session on the race-control stream. Consumers apply an event only when its
/// number is above the last one they applied, which makes redelivery and replays harmless.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record RaceEvent
{
    [Id(0)]
    public required SessionKey Session { get; init; }

    /// <summary>Position in its stream, from 1.</summary>
    [Id(1)]
    public required long Sequence { get; init; }

    /// <summary>When it happened on track (UTC).</summary>
    [Id(2)]
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>When ingestion published it (UTC ticks): the start of the ingest-to-screen latency.</summary>
    [Id(3)]
    public long IngestedAtTicks { get; init; }
}

/// <summary>An event about one car: travels on the car's timing or telemetry stream.</summary>
[GenerateSerializer, Immutable]
public abstract record CarEvent : RaceEvent
{
    [Id(0)]
    public required CarId Car { get; init; }

    public CarKey CarKey => Session.Car(Car);
}

/// <summary>An event about the whole session: travels on the session's race-control stream.</summary>
[GenerateSerializer, Immutable]
public abstract record SessionEvent : RaceEvent;
