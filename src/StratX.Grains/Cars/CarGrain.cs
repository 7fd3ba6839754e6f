using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Domain.Laps;
using StratX.Domain.Predictions;
using StratX.Grains.Hosting;
using StratX.Grains.Ingestion;
using StratX.Grains.Observability;
using StratX.Grains.Security;
using StratX.Grains.Streams;
using StratX.Grains.Updates;
using StratX.Grains.Views;
using StratX.Models.Scoring;

namespace StratX.Grains.Cars;

/// <summary>
/// The live model of one car: laps, stints, stops, pace and latest telemetry. Applies its timing and
/// telemetry streams idempotently (by sequence number), keeps its stints' grains and its session informed,
/// and announces every change on the session's update stream.
/// </summary>
[ImplicitStreamSubscription(OrleansNames.TimingNamespace)]
[ImplicitStreamSubscription(OrleansNames.TelemetryNamespace)]
public sealed partial class CarGrain(
    [PersistentState("car", OrleansNames.RaceStateStorage)] IPersistentState<CarState> state,
    IIngestionServiceClient ingestion,
    IOptions<UpdateOptions> updateOptions,
    IOptions<IngestionOptions> ingestionOptions,
    LivePredictor predictor,
    StratXMetrics metrics,
    TimeProvider time,
    ILogger<CarGrain> logger)
    : Grain, ICarGrain, ITenantScopedGrain, IStreamSubscriptionObserver, IAsyncObserver<CarEvent>, IAsyncObserver<TelemetryBatch>
{
    /// <summary>Telemetry applied but not yet written is written at the latest this long after.</summary>
    private static readonly TimeSpan TelemetryWriteInterval = TimeSpan.FromSeconds(5);

    private LapTelemetryTracker _lapTelemetry = new();
    private readonly List<(int Lap, LapTelemetrySummary Summary)> _completedLapTelemetry = [];
    private CarKey _key;
    private IAsyncStream<RaceUpdate> _updates = null!;
    private int _unwrittenTelemetryBatches;
    private UpdateThrottle _carUpdates = null!;
    private UpdateThrottle _telemetryUpdates = null!;
    private CarPredictions? _predictions;
    private FieldPace? _field;

    private CarState State => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = CarKey.Parse(this.GetPrimaryKeyString());
        if (State.PendingLapTelemetry is { } pending)
        {
            _lapTelemetry = LapTelemetryTracker.Restore(pending);
        }

        _updates = RaceStreams.Updates(this.GetStreamProvider(OrleansNames.UpdateStreams), _key.Session);
        var interval = updateOptions.Value.MinInterval;
        _carUpdates = new UpdateThrottle(this, interval, time, ingestedAt =>
            _updates.OnNextAsync(new CarUpdate { Session = _key.Session, IngestedAtTicks = ingestedAt, Car = BuildView() }));
        _telemetryUpdates = new UpdateThrottle(this, interval, time, ingestedAt =>
            _updates.OnNextAsync(new TelemetryUpdate { Session = _key.Session, IngestedAtTicks = ingestedAt, Car = _key.Car, Sample = State.LatestTelemetry!.Value }));
        this.RegisterGrainTimer(OnWriteTimer, new GrainTimerCreationOptions(TelemetryWriteInterval, TelemetryWriteInterval) { KeepAlive = false });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // When the silo shuts down its storage may already be gone: what was not written then is at most one
        // timer period of telemetry, which the source redelivers from its checkpoint.
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            await WriteUnwrittenTelemetry(cancellationToken);
        }
        else if (_unwrittenTelemetryBatches > 0)
        {
            LogUnwrittenAtShutdown(_key, _unwrittenTelemetryBatches);
        }
    }

    private async Task OnWriteTimer(CancellationToken cancellationToken)
    {
        try
        {
            await WriteUnwrittenTelemetry(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The next lap or timer tick writes again; until then the source's checkpoint covers it.
            LogTelemetryWriteFailed(e, _key, _unwrittenTelemetryBatches);
        }
    }

    private async Task WriteUnwrittenTelemetry(CancellationToken cancellationToken)
    {
        if (_unwrittenTelemetryBatches == 0)
        {
            return;
        }

        await Write(cancellationToken);
    }

    /// <summary>Writes the state with the telemetry still waiting for its lap, so a car resumed elsewhere cuts the same laps.</summary>
    private async Task Write(CancellationToken cancellationToken = default)
    {
        State.PendingLapTelemetry = _lapTelemetry.Save();
        await state.WriteStateAsync(cancellationToken);
        _unwrittenTelemetryBatches = 0;
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.StreamId.GetNamespace() == OrleansNames.TelemetryNamespace
            ? handleFactory.Create<TelemetryBatch>().ResumeAsync(this)
            : handleFactory.Create<CarEvent>().ResumeAsync(this);

    public async Task OnNextAsync(CarEvent item, StreamSequenceToken? token = null)
    {
        using var span = StratXTracing.StartApply(item);
        using (StratXTracing.Carry(span))
        {
            await ApplyOrReload(ApplyTiming(item));
        }
    }

    public Task OnNextAsync(TelemetryBatch item, StreamSequenceToken? token = null) => ApplyOrReload(ApplyTelemetry(item));

    /// <summary>
    /// An event that fails half-way (its session or stint is on a silo that just died) may have changed this
    /// activation's memory without being written. The activation then goes away, so the redelivery is applied
    /// to the state as written, never on top of half an application.
    /// </summary>
    private async Task ApplyOrReload(Task application)
    {
        try
        {
            await application;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogApplyFailed(e, _key);
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task ApplyTiming(CarEvent item)
    {
        if (item.Sequence <= State.LastTimingSequence)
        {
            await ReportApplied(EventChannel.Timing, State.LastTimingSequence);
            return;
        }

        if (item.Sequence != State.LastTimingSequence + 1)
        {
            LogSequenceGap(_key, "timing", State.LastTimingSequence, item.Sequence);
        }

        switch (item)
        {
            case CarEntered entered:
                State.DriverCode = entered.DriverCode;
                State.DriverName = entered.DriverName;
                State.Team = entered.Team;
                State.GridPosition = entered.GridPosition;
                break;
            case StintStarted stint:
                await StartStint(stint);
                break;
            case PitStop stop:
                await RecordStop(stop);
                break;
            case LapCompleted lap:
                await CompleteLap(lap);
                break;
        }

        State.LastTimingSequence = item.Sequence;
        await Write();
        metrics.Applied("timing", item.IngestedAtTicks);
        await _carUpdates.ChangedAsync(item.IngestedAtTicks);
        await ReportApplied(EventChannel.Timing, item.Sequence);
    }

    private async Task ApplyTelemetry(TelemetryBatch item)
    {
        var firstNew = (int)Math.Max(0, State.LastTelemetrySequence - (item.Sequence - item.Samples.Length));
        if (firstNew >= item.Samples.Length)
        {
            await ReportApplied(EventChannel.Telemetry, State.LastTelemetrySequence);
            return;
        }

        _completedLapTelemetry.Clear();
        _lapTelemetry.AddSamples(item.Samples.AsSpan(firstNew), _completedLapTelemetry);
        var lapSummaryAttached = AttachLapTelemetry();
        var latest = item.Samples[^1];
        State.LatestTelemetry = latest;
        State.LastTelemetrySequence = item.Sequence;
        if (++_unwrittenTelemetryBatches >= ingestionOptions.Value.TelemetryBatchesPerWrite)
        {
            await Write();
        }

        metrics.Applied("telemetry", item.IngestedAtTicks);
        await _telemetryUpdates.ChangedAsync(item.IngestedAtTicks);
        if (lapSummaryAttached)
        {
            // A lap's telemetry summary completes once its last samples are in, often after the lap itself.
            await _carUpdates.ChangedAsync(item.IngestedAtTicks);
            var latestLap = State.Laps[^1].LapNumber;
            foreach (var (lapNumber, summary) in _completedLapTelemetry)
            {
                if (lapNumber == latestLap)
                {
                    // The lap was judged without its own car data: the session judges it again now.
                    await Session().RecordLapTelemetry(_key.Car, lapNumber, summary, item.IngestedAtTicks);
                }
            }
        }

        await ReportApplied(EventChannel.Telemetry, item.Sequence);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, _key);
        return Task.CompletedTask;
    }

    public ValueTask<CarView?> GetView() =>
        ValueTask.FromResult(State.LastTimingSequence == 0 && State.LastTelemetrySequence == 0 ? null : BuildView());

    public ValueTask<IReadOnlyList<LapRecord>> GetLaps() => ValueTask.FromResult<IReadOnlyList<LapRecord>>([.. State.Laps]);

    public async ValueTask<IReadOnlyList<StintView>> GetStints()
    {
        var views = new List<StintView>(State.Stints.Count);
        foreach (var stint in State.Stints)
        {
            if (await Stint(stint.Number).GetView() is { } view)
            {
                views.Add(view);
            }
        }

        return views;
    }

    private async Task StartStint(StintStarted started)
    {
        var summary = new StintSummary
        {
            Number = started.StintNumber,
            LapStart = started.LapStart,
            LapEnd = started.LapStart - 1,
            Compound = started.Compound,
            TyreAgeAtStart = started.TyreAgeAtStart,
        };
        State.Stints.Upsert(summary, s => s.Number);
        await Stint(summary.Number).Start(summary, started.IngestedAtTicks);
    }

    private async Task RecordStop(PitStop stop)
    {
        var view = new PitStopView
        {
            Car = _key.Car,
            StopNumber = stop.StopNumber,
            InLap = stop.InLap,
            PitLaneSeconds = stop.PitLaneSeconds,
            At = stop.OccurredAt,
        };
        State.Stops.Upsert(view, s => s.StopNumber);
        await Session().RecordPitStop(view);
    }

    private async Task CompleteLap(LapCompleted lap)
    {
        var record = LapRecord.From(lap, State.CurrentStint?.Number ?? 1);
        State.Laps.Upsert(record, l => l.LapNumber);
        _completedLapTelemetry.Clear();
        _lapTelemetry.AddLap(lap.LapNumber, lap.LapStartedAt, lap.OccurredAt, _completedLapTelemetry);
        AttachLapTelemetry();

        if (State.Stints.FindIndex(s => s.Number == record.Stint) is var index and >= 0)
        {
            State.Stints[index] = State.Stints[index] with { LapEnd = Math.Max(State.Stints[index].LapEnd, lap.LapNumber) };
            await Stint(record.Stint).AddLap(record, lap.IngestedAtTicks);
        }

        var rollingPace = RollingPace.Of(State.Laps);
        var field = await Session().RecordLap(new CarLapReport
        {
            Car = _key.Car,
            LapNumber = lap.LapNumber,
            CrossedAt = lap.OccurredAt,
            LapTime = lap.LapTime,
            Position = lap.Position,
            GapToLeader = lap.GapToLeader,
            Interval = lap.IntervalToAhead,
            Compound = lap.Compound,
            TyreAge = lap.TyreAge,
            PitIn = lap.PitIn,
            RollingPace = rollingPace,
            Stops = State.Stops.Count,
            IngestedAtTicks = lap.IngestedAtTicks,
            Lap = lap,
            Telemetry = RecentTelemetry(),
        });
        State.PaceDeltaToField = rollingPace is { } mine && field.MedianRollingPace is { } median ? Math.Round(mine - median, 3) : null;
        _field = field;
        await ScoreAsync(lap.IngestedAtTicks);
    }

    /// <summary>Summaries of the last laps that have telemetry (the current lap's usually follows a moment later).</summary>
    private Dictionary<int, LapTelemetrySummary>? RecentTelemetry()
    {
        Dictionary<int, LapTelemetrySummary>? recent = null;
        for (var i = State.Laps.Count - 1; i >= 0 && i >= State.Laps.Count - 8; i--)
        {
            if (State.Laps[i].Telemetry is { } summary)
            {
                (recent ??= [])[State.Laps[i].LapNumber] = summary;
            }
        }

        return recent;
    }

    /// <summary>The car's own models after a lap; CPU only, microseconds.</summary>
    private async Task ScoreAsync(long ingestedAtTicks)
    {
        _predictions = Score();
        if (_predictions is not null)
        {
            metrics.Scored(_predictions);
            await _updates.OnNextAsync(new PredictionsUpdate { Session = _key.Session, IngestedAtTicks = ingestedAtTicks, Predictions = _predictions });
        }
    }

    /// <summary>The latest predictions; after a restart they are scored again from the persisted laps.</summary>
    public ValueTask<CarPredictions?> GetPredictions() => ValueTask.FromResult(_predictions ??= Score());

    private CarPredictions? Score() => predictor.ScoreCar(_key.Car, [.. State.Laps.Select(l => l.ToEvent(_key))], _field?.Circuit);

    private bool AttachLapTelemetry()
    {
        var attached = false;
        foreach (var (lapNumber, summary) in _completedLapTelemetry)
        {
            var index = State.Laps.FindLastIndex(l => l.LapNumber == lapNumber);
            if (index >= 0)
            {
                State.Laps[index] = State.Laps[index] with { Telemetry = summary };
                attached = true;
            }
        }

        return attached;
    }

    private CarView BuildView()
    {
        var last = State.Laps.Count == 0 ? null : State.Laps[^1];
        LapRecord? best = null;
        foreach (var lap in State.Laps)
        {
            if (lap.LapTime is { } time && (best?.LapTime is null || time < best.LapTime))
            {
                best = lap;
            }
        }

        return new CarView
        {
            Key = _key,
            DriverCode = State.DriverCode ?? _key.Car.Value,
            DriverName = State.DriverName,
            Team = State.Team,
            GridPosition = State.GridPosition,
            Position = last?.Position,
            LapsCompleted = last?.LapNumber ?? 0,
            LastLap = last,
            BestLap = best,
            RollingPace = RollingPace.Of(State.Laps),
            PaceDeltaToField = State.PaceDeltaToField,
            GapToLeader = last?.GapToLeader,
            IntervalToAhead = last?.IntervalToAhead,
            CurrentStint = State.CurrentStint,
            Stops = [.. State.Stops],
            LatestTelemetry = State.LatestTelemetry,
            InPit = last?.PitIn ?? false,
        };
    }

    private Task ReportApplied(EventChannel channel, long sequence) =>
        ingestion.Applied(_key.Session, channel, _key.Car, sequence);

    private ISessionGrain Session() => GrainFactory.GetGrain<ISessionGrain>(_key.Session.ToString());

    private IStintGrain Stint(int number) => GrainFactory.GetGrain<IStintGrain>(_key.Stint(number).ToString());

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Car}: {Stream} sequence jumped from {Last} to {Next}; events in between never arrived")]
    private partial void LogSequenceGap(CarKey car, string stream, long last, long next);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Car}: {Batches} telemetry batches not written at shutdown")]
    private partial void LogUnwrittenAtShutdown(CarKey car, int batches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Car}: could not write {Batches} telemetry batches; will retry")]
    private partial void LogTelemetryWriteFailed(Exception error, CarKey car, int batches);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Car}: an event failed half-way; the car reloads its written state before the event is delivered again")]
    private partial void LogApplyFailed(Exception error, CarKey car);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Car}: stream subscription failed")]
    private partial void LogStreamError(Exception error, CarKey car);
}
