using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Grains.Hosting;
using StratX.Grains.Security;
using StratX.Grains.Streams;

namespace StratX.Grains.TeamTelemetry;

/// <summary>
/// A car's team telemetry (see <see cref="ITeamTelemetryGrain"/>). The sender's message sequence decides what is
/// applied: the next number is applied; a number already consumed is a <c>duplicate</c>; a number further on is
/// a <c>sequence-gap</c>: that message is dead-lettered, the missing ones are given up (should they arrive later
/// they are duplicates) and the car carries on from the next number, so nothing is ever applied out of order.
/// Samples are published first and the state written after: a crash in between republishes the same sample
/// numbers, which the car grain skips.
/// </summary>
public sealed partial class TeamTelemetryGrain(
    [PersistentState("team-telemetry", OrleansNames.RaceStateStorage)] IPersistentState<TeamTelemetryState> state,
    SessionRosters rosters,
    IOptions<IngestionOptions> ingestion,
    TimeProvider time,
    ILogger<TeamTelemetryGrain> logger)
    : Grain, ITeamTelemetryGrain, ITenantScopedGrain
{
    /// <summary>Gaps and out-of-order messages remembered, to explain late duplicates and for the status.</summary>
    private const int HistoryKept = 32;

    private CarKey _key;
    private IAsyncStream<TelemetryBatch> _telemetry = null!;

    /// <summary>Cars never leave a session: once the roster had the car, it is not asked again.</summary>
    private bool _carKnown;

    private TeamTelemetryState State => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = CarKey.Parse(this.GetPrimaryKeyString());
        _telemetry = RaceStreams.Telemetry(this.GetStreamProvider(OrleansNames.EventStreams), _key);
        _carKnown = State.LastSeq > 0;
        return Task.CompletedTask;
    }

    public async ValueTask<TeamTelemetryResult> Apply(TeamTelemetryMessage message)
    {
        if (message.Car != _key)
        {
            throw new ArgumentException($"A message for {message.Car} was sent to the team telemetry of {_key}.", nameof(message));
        }

        if (message.Samples.Length == 0)
        {
            throw new ArgumentException("A validated message has at least one sample.", nameof(message));
        }

        if (!_carKnown)
        {
            if ((await rosters.GetAsync(_key.Session)).Check(_key) is { } unknown)
            {
                return Rejected(unknown);
            }

            _carKnown = true;
        }

        var seq = message.Seq;
        if (seq <= State.LastSeq)
        {
            LogDuplicate(_key, seq, State.LastSeq);
            return Rejected(new TelemetryRejection(TelemetryRejectionReason.Duplicate, DuplicateDetail(seq)));
        }

        if (seq > State.LastSeq + 1)
        {
            var gap = new TelemetrySequenceGap(State.LastSeq + 1, seq - 1, seq, time.GetUtcNow());
            State.Gaps.Add(gap);
            TrimHistory(State.Gaps);
            State.LastSeq = seq;
            LogGap(_key, gap.MissingFrom, gap.MissingTo, seq);
            var detail = gap.MissingFrom == gap.MissingTo
                ? $"expected seq {gap.MissingFrom}, got {seq}: seq {gap.MissingFrom} never arrived"
                : $"expected seq {gap.MissingFrom}, got {seq}: seq {gap.MissingFrom}-{gap.MissingTo} never arrived";
            return await RejectedAndWritten(new TelemetryRejection(
                TelemetryRejectionReason.SequenceGap,
                $"{detail}. This message is not applied; the car carries on from seq {seq + 1}, and a missing message that arrives later is a duplicate"));
        }

        var first = message.Samples[0];
        if (first.UtcTicks < State.LastSampleTicks)
        {
            State.LastSeq = seq;
            State.OutOfOrderSeqs.Add(seq);
            TrimHistory(State.OutOfOrderSeqs);
            LogOutOfOrder(_key, seq, first.Timestamp, new DateTimeOffset(State.LastSampleTicks, TimeSpan.Zero));
            return await RejectedAndWritten(new TelemetryRejection(
                TelemetryRejectionReason.OutOfOrder,
                $"seq {seq} starts at {first.Timestamp:O}, before the car's last applied sample at {new DateTimeOffset(State.LastSampleTicks, TimeSpan.Zero):O}; the car carries on from seq {seq + 1}"));
        }

        await PublishAsync(message.Samples);
        State.SamplesPublished += message.Samples.Length;
        State.LastSampleTicks = message.Samples[^1].UtcTicks;
        State.LastSeq = seq;
        State.AcceptedMessages++;
        State.LastAcceptedAt = time.GetUtcNow();
        await WriteAsync();
        return Result(null);
    }

    public ValueTask<TeamTelemetryCarStatus> GetStatus() => ValueTask.FromResult(new TeamTelemetryCarStatus
    {
        Car = _key,
        LastSeq = State.LastSeq,
        SamplesPublished = State.SamplesPublished,
        AcceptedMessages = State.AcceptedMessages,
        Rejected = State.Rejected.ToDictionary(r => r.Key.Code(), r => r.Value),
        LastSampleAt = State.SamplesPublished == 0 ? null : new DateTimeOffset(State.LastSampleTicks, TimeSpan.Zero),
        LastAcceptedAt = State.LastAcceptedAt,
        Gaps = [.. State.Gaps],
    });

    /// <summary>Publishes in batches of at most the ingestion batch size, numbered on from the car's last published sample.</summary>
    private async Task PublishAsync(TelemetrySample[] samples)
    {
        var batchSize = Math.Max(1, ingestion.Value.MaxBatchSamples);
        var ingestedAt = time.GetUtcNow().UtcTicks;

        // The batches are delivered to the car grain with this context: they act for the car's tenant.
        using var tenant = TenantContext.Enter(_key.Session.Tenant);
        for (var start = 0; start < samples.Length; start += batchSize)
        {
            var batch = samples[start..Math.Min(samples.Length, start + batchSize)];
            await _telemetry.OnNextAsync(new TelemetryBatch
            {
                Session = _key.Session,
                Car = _key.Car,
                Sequence = State.SamplesPublished + start + batch.Length,
                OccurredAt = batch[^1].Timestamp,
                IngestedAtTicks = ingestedAt,
                Samples = batch,
            });
        }
    }

    private string DuplicateDetail(long seq)
    {
        for (var i = State.Gaps.Count - 1; i >= 0; i--)
        {
            var gap = State.Gaps[i];
            if (seq >= gap.MissingFrom && seq <= gap.MissingTo)
            {
                return $"seq {seq} arrived after the car had given it up (gap {gap.MissingFrom}-{gap.MissingTo}, found at seq {gap.RejectedSeq}); it is not applied out of order";
            }

            if (seq == gap.RejectedSeq)
            {
                return $"seq {seq} was already consumed: it was dead-lettered as sequence-gap, and the car carried on after it (last seq {State.LastSeq})";
            }
        }

        return State.OutOfOrderSeqs.Contains(seq)
            ? $"seq {seq} was already consumed: it was dead-lettered as out-of-order (last seq {State.LastSeq})"
            : $"seq {seq} was already consumed (the car's last seq is {State.LastSeq}): a redelivery or a resend; nothing is applied twice";
    }

    private TeamTelemetryResult Rejected(TelemetryRejection rejection)
    {
        State.Rejected[rejection.Reason] = State.Rejected.GetValueOrDefault(rejection.Reason) + 1;
        return Result(rejection);
    }

    private async ValueTask<TeamTelemetryResult> RejectedAndWritten(TelemetryRejection rejection)
    {
        var result = Rejected(rejection);
        await WriteAsync();
        return result;
    }

    /// <summary>On a failed write the activation goes, so the retry starts again from the persisted state.</summary>
    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    private TeamTelemetryResult Result(TelemetryRejection? rejection) => new()
    {
        Rejection = rejection,
        LastSeq = State.LastSeq,
        SamplesPublished = State.SamplesPublished,
    };

    private static void TrimHistory<T>(List<T> list)
    {
        if (list.Count > HistoryKept)
        {
            list.RemoveRange(0, list.Count - HistoryKept);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Car}: team telemetry seq {Seq} is a duplicate (last {Last})")]
    private partial void LogDuplicate(CarKey car, long seq, long last);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Car}: team telemetry seq {From}-{To} never arrived before seq {Seq}; carrying on after it")]
    private partial void LogGap(CarKey car, long from, long to, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Car}: team telemetry seq {Seq} starts at {First}, before the last applied sample at {Last}")]
    private partial void LogOutOfOrder(CarKey car, long seq, DateTimeOffset first, DateTimeOffset last);
}
