namespace StratX.Grains.TeamTelemetry;

/// <summary>What a car's team telemetry grain persists: where the sender's sequence and the car's sample numbering stand.</summary>
[GenerateSerializer]
public sealed class TeamTelemetryState
{
    /// <summary>The last message sequence number consumed: applied, or dead-lettered for a gap or for sample order.</summary>
    [Id(0)]
    public long LastSeq { get; set; }

    /// <summary>Samples published on the car's telemetry stream; the next sample is number this + 1.</summary>
    [Id(1)]
    public long SamplesPublished { get; set; }

    /// <summary>Time of the latest published sample (UTC ticks); later messages may not start before it.</summary>
    [Id(2)]
    public long LastSampleTicks { get; set; }

    [Id(3)]
    public long AcceptedMessages { get; set; }

    /// <summary>Rejections this grain decided, by reason (written with the next state change).</summary>
    [Id(4)]
    public Dictionary<TelemetryRejectionReason, long> Rejected { get; set; } = [];

    /// <summary>The latest sequence gaps, oldest first.</summary>
    [Id(5)]
    public List<TelemetrySequenceGap> Gaps { get; set; } = [];

    [Id(6)]
    public DateTimeOffset? LastAcceptedAt { get; set; }

    /// <summary>The latest messages that consumed a sequence number but were dead-lettered for sample order.</summary>
    [Id(7)]
    public List<long> OutOfOrderSeqs { get; set; } = [];
}
