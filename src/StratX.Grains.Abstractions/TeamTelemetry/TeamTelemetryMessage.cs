using StratX.Domain.Events;
using StratX.Domain.Identity;

namespace StratX.Grains.TeamTelemetry;

/// <summary>
/// A team's telemetry message after validation (docs/TELEMETRY.md): one car's samples, in time order, with the
/// sender's message sequence number for the car (dense from 1 per tenant, session and car).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TeamTelemetryMessage
{
    [Id(0)]
    public required CarKey Car { get; init; }

    /// <summary>The sender's message number for this car, from 1.</summary>
    [Id(1)]
    public required long Seq { get; init; }

    /// <summary>1 to 1000 samples, times non-decreasing.</summary>
    [Id(2)]
    public required TelemetrySample[] Samples { get; init; }
}

/// <summary>What the car's team telemetry grain did with a message.</summary>
[GenerateSerializer, Immutable]
public sealed record TeamTelemetryResult
{
    /// <summary>Null when the message was applied.</summary>
    [Id(0)]
    public TelemetryRejection? Rejection { get; init; }

    /// <summary>The car's last consumed message sequence number after this message.</summary>
    [Id(1)]
    public long LastSeq { get; init; }

    /// <summary>Samples published on the car's telemetry stream so far (the sample sequence of the last one).</summary>
    [Id(2)]
    public long SamplesPublished { get; init; }

    public bool Accepted => Rejection is null;
}

/// <summary>A break in a car's message sequence: <see cref="MissingFrom"/>..<see cref="MissingTo"/> never arrived before <see cref="RejectedSeq"/> did.</summary>
[GenerateSerializer, Immutable]
public sealed record TelemetrySequenceGap(
    [property: Id(0)] long MissingFrom,
    [property: Id(1)] long MissingTo,
    [property: Id(2)] long RejectedSeq,
    [property: Id(3)] DateTimeOffset At);

/// <summary>Team telemetry of one car: where its sequence stands and what was accepted and rejected.</summary>
[GenerateSerializer, Immutable]
public sealed record TeamTelemetryCarStatus
{
    [Id(0)]
    public required CarKey Car { get; init; }

    /// <summary>The last message sequence number consumed (applied, or rejected for a gap or for sample order).</summary>
    [Id(1)]
    public long LastSeq { get; init; }

    /// <summary>Samples published on the car's telemetry stream: the sample sequence of the latest one.</summary>
    [Id(2)]
    public long SamplesPublished { get; init; }

    [Id(3)]
    public long AcceptedMessages { get; init; }

    /// <summary>Rejected messages by reason code (only the reasons this grain decides: unknown car or session, duplicate, gap, order).</summary>
    [Id(4)]
    public required IReadOnlyDictionary<string, long> Rejected { get; init; }

    /// <summary>Time of the latest applied sample.</summary>
    [Id(5)]
    public DateTimeOffset? LastSampleAt { get; init; }

    [Id(6)]
    public DateTimeOffset? LastAcceptedAt { get; init; }

    /// <summary>The latest gaps, oldest first.</summary>
    [Id(7)]
    public required IReadOnlyList<TelemetrySequenceGap> Gaps { get; init; }
}
