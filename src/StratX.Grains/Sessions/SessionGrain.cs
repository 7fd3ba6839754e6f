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

namespace StratX.Grains.Sessions;

/// <summary>
/// The live model of a session: classification and gaps (from its cars' lap reports), lap count, track
/// status, weather, race control, fastest lap and pit stops (from its race-control stream). It never calls
/// its cars: they call it, so the two can never wait on each other.
/// </summary>
[ImplicitStreamSubscription(OrleansNames.RaceControlNamespace)]
public sealed partial class SessionGrain(
    [PersistentState("session", OrleansNames.RaceStateStorage)] IPersistentState<SessionState> state,
    IIngestionServiceClient ingestion,
    IOptions<UpdateOptions> updateOptions,
    IOptions<IngestionOptions> ingestionOptions,
    LivePredictor predictor,
    StratXMetrics metrics,
    TimeProvider time,
    ILogger<SessionGrain> logger)
    : Grain, ISessionGrain, ITenantScopedGrain, IStreamSubscriptionObserver, IAsyncObserver<SessionEvent>, IRemindable
{
    /// <summary>While a replay runs, this reminder makes sure it keeps running (see <see cref="ReceiveReminder"/>).</summary>
    private const string ReplayWatch = "replay-watch";

    /// <summary>Race control can be chatty; the summary keeps the latest messages.</summary>
    private const int RaceControlKept = 500;

    private SessionKey _key;
    private IAsyncStream<RaceUpdate> _updates = null!;
    private UpdateThrottle _classificationUpdates = null!;
    private FieldPredictions _predictions = null!;

    private SessionState State => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = SessionKey.Parse(this.GetPrimaryKeyString());
        _updates = RaceStreams.Updates(this.GetStreamProvider(OrleansNames.UpdateStreams), _key);
        _classificationUpdates = new UpdateThrottle(this, updateOptions.Value.MinInterval, time, ingestedAt =>
            _updates.OnNextAsync(new ClassificationUpdate { Session = _key, IngestedAtTicks = ingestedAt, Classification = ClassificationBuilder.Build(_key, State) }));
        _predictions = new FieldPredictions(predictor, State);
        if (!state.RecordExists)
        {
            State.CreatedAt = time.GetUtcNow();
        }

        return Task.CompletedTask;
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<SessionEvent>().ResumeAsync(this);

    public async Task OnNextAsync(SessionEvent item, StreamSequenceToken? token = null)
    {
        using var span = StratXTracing.StartApply(item);
        using var carried = StratXTracing.Carry(span);
        try
        {
            await ApplyRaceControl(item);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Half an application may be in memory only: the redelivery applies to the written state.
            LogApplyFailed(e, _key);
            DeactivateOnIdle();
            throw;
        }
    }

    private async Task ApplyRaceControl(SessionEvent item)
    {
        if (item.Sequence > State.LastRaceControlSequence)
        {
            var update = Apply(item);
            State.LastRaceControlSequence = item.Sequence;
            await state.WriteStateAsync();
            metrics.Applied("race-control", item.IngestedAtTicks);
            if (update is not null)
            {
                await _updates.OnNextAsync(update);
            }

            if (item is TrackStatusChanged changed)
            {
                foreach (var car in State.PlannedCars)
                {
                    await Planner(car).OnTrackStatusChanged(changed.Status);
                }
            }

            if (item is SessionOpened or RaceControlMessage { IsChequeredFlag: true } or SessionEnded)
            {
                // The classification as it stands goes out before the phase change that watchers act on.
                await _classificationUpdates.ChangedAsync(item.IngestedAtTicks);
                await _classificationUpdates.FlushAsync();
                await _updates.OnNextAsync(StatusUpdate(item.IngestedAtTicks));
            }
        }

        await ingestion.Applied(_key, EventChannel.RaceControl, null, State.LastRaceControlSequence);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, _key);
        return Task.CompletedTask;
    }

    public async ValueTask RecordLapTelemetry(CarId car, int lapNumber, LapTelemetrySummary summary, long ingestedAtTicks)
    {
        if (_predictions.AddTelemetry(car, lapNumber, summary, time.GetUtcNow()) is { } judged)
        {
            await _updates.OnNextAsync(new PredictionsUpdate { Session = _key, IngestedAtTicks = ingestedAtTicks, Predictions = judged });
        }
    }

    public async ValueTask<FieldPace> RecordLap(CarLapReport report)
    {
        var car = Standing(report.Car);
        if (report.LapNumber >= car.Laps)
        {
            car.Laps = report.LapNumber;
            car.LastCrossing = report.CrossedAt;
            car.LastLapTime = report.LapTime;
            car.GapToLeader = report.GapToLeader;
            car.Interval = report.Interval;
            car.Compound = report.Compound;
            car.TyreAge = report.TyreAge;
            car.InPit = report.PitIn;
            car.RollingPace = report.RollingPace;
            car.Stops = Math.Max(car.Stops, report.Stops);
            if (report.LapTime is { } lapTime)
            {
                car.BestLapTime = Math.Min(car.BestLapTime ?? double.MaxValue, lapTime);
                if (State.FastestLap is null || lapTime < State.FastestLap.LapTime)
                {
                    State.FastestLap = new FastestLapView(report.Car, car.DriverCode ?? report.Car.Value, report.LapNumber, lapTime);
                }
            }

            var predictions = report.Lap is { } lap ? _predictions.Add(lap, report.Telemetry) : [];

            var wasScheduled = State.Phase == SessionPhase.Scheduled;
            if (wasScheduled)
            {
                State.Phase = SessionPhase.Running;
            }

            await state.WriteStateAsync();
            if (wasScheduled)
            {
                await _updates.OnNextAsync(StatusUpdate(report.IngestedAtTicks));
            }

            await _classificationUpdates.ChangedAsync(report.IngestedAtTicks);
            foreach (var scored in predictions)
            {
                metrics.Scored(scored);
                await _updates.OnNextAsync(new PredictionsUpdate { Session = _key, IngestedAtTicks = report.IngestedAtTicks, Predictions = scored });
            }

            if (State.PlannedCars.Contains(report.Car))
            {
                await Planner(report.Car).OnLapCompleted(report.LapNumber);
            }
        }

        return FieldPace();
    }

    public async ValueTask RecordPitStop(PitStopView stop)
    {
        var index = State.PitStops.FindIndex(s => s.Car == stop.Car && s.StopNumber == stop.StopNumber);
        if (index >= 0)
        {
            State.PitStops[index] = stop;
        }
        else
        {
            State.PitStops.Add(stop);
            var car = Standing(stop.Car);
            car.Stops = Math.Max(car.Stops, stop.StopNumber);
        }

        await state.WriteStateAsync();
    }

    public async ValueTask<IngestionStatus> StartReplay(ReplayRequest request)
    {
        if (request.Session != _key)
        {
            throw new ArgumentException($"A replay for {request.Session} was sent to session {_key}.", nameof(request));
        }

        var status = await ingestion.StartReplay(request);
        State.Ingestion = status;
        State.Replay = request;
        if (request.IncludeTelemetry)
        {
            // Every car's once any replay fed every car's; otherwise the cars the replays chose, together.
            State.ReplayedTelemetryCars = State.ReplaysTelemetry && State.ReplayedTelemetryCars is null ? null
                : request.TelemetryCars is null ? null
                : [.. (State.ReplayedTelemetryCars ?? []).Union(request.TelemetryCars).Order()];
            State.ReplaysTelemetry = true;
        }
        await state.WriteStateAsync();
        var interval = ingestionOptions.Value.ResumeCheckInterval;
        await this.RegisterOrUpdateReminder(ReplayWatch, interval, interval);
        return status;
    }

    public async ValueTask<bool> StopReplay()
    {
        var stopped = await ingestion.Cancel(_key);
        if (State.Replay is not null)
        {
            State.Replay = null;
            await state.WriteStateAsync();
            await ForgetReminder();
        }

        return stopped;
    }

    public async ValueTask<IngestionStatus?> GetIngestion() => await ingestion.GetStatus(_key) ?? State.Ingestion;

    public async ValueTask UpdateIngestion(IngestionStatus status)
    {
        State.Ingestion = status;
        if (status.IsFinished && State.Replay is not null)
        {
            State.Replay = null;
            await ForgetReminder();
        }

        // Every report is written: its position is where the replay resumes if its silo dies.
        await state.WriteStateAsync();
        await _updates.OnNextAsync(StatusUpdate(0));
    }

    /// <summary>
    /// A replay runs on the ingestion service that owns this session's place on the ring. If that silo died,
    /// or the ring moved the session to another silo, the owner has no job for the session: the replay is
    /// started again there from the last position the grains reported applied. What it publishes twice, the
    /// grains skip by sequence number.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReplayWatch)
        {
            return;
        }

        if (State.Replay is not { } replay)
        {
            await ForgetReminder();
            return;
        }

        var running = await ingestion.GetStatus(_key);
        if (running is not null)
        {
            if (running.IsFinished)
            {
                await UpdateIngestion(running);
            }

            return;
        }

        var resume = replay with { ResumeAfter = State.Ingestion?.Position ?? replay.ResumeAfter, Resumes = replay.Resumes + 1 };
        LogResuming(_key, resume.Resumes, State.Ingestion?.Position?.Timing.Values.Sum() ?? 0);
        try
        {
            State.Ingestion = await ingestion.StartReplay(resume);
            State.Replay = resume;
            await state.WriteStateAsync();
        }
        catch (ReplayAlreadyRunningException)
        {
            // Another check got there first.
        }
    }

    private async Task ForgetReminder()
    {
        if (await this.GetReminder(ReplayWatch) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public ValueTask<SessionSummary?> GetSummary()
    {
        if (!state.RecordExists && State.Race is null && State.Ingestion is null && State.Cars.Count == 0)
        {
            return ValueTask.FromResult<SessionSummary?>(null);
        }

        return ValueTask.FromResult<SessionSummary?>(new SessionSummary
        {
            Session = _key,
            Race = State.Race,
            Phase = State.Phase,
            LeaderLap = State.LeaderLap,
            TrackStatus = State.TrackStatus,
            TrackStatusHistory = [.. State.TrackStatusHistory],
            Weather = State.Weather,
            FastestLap = State.FastestLap,
            PitStops = [.. State.PitStops],
            RaceControl = [.. State.RaceControl],
            Ingestion = State.Ingestion,
            ChequeredAt = State.ChequeredAt,
            CreatedAt = State.CreatedAt,
            Silo = RuntimeIdentity,
            ReplaysTelemetry = State.ReplaysTelemetry,
            ReplayedTelemetryCars = State.ReplayedTelemetryCars is { } cars ? [.. cars] : null,
        });
    }

    public ValueTask<Classification> GetClassification() => ValueTask.FromResult(ClassificationBuilder.Build(_key, State));

    public async ValueTask FollowStrategy(CarId car)
    {
        if (State.PlannedCars.Add(car))
        {
            await state.WriteStateAsync();
        }
    }

    public ValueTask<RaceInputs> GetRaceInputs() => ValueTask.FromResult(new RaceInputs
    {
        Phase = State.Phase,
        ScheduledLaps = State.Race?.ScheduledLaps,
        LeaderLap = State.LeaderLap,
        TrackStatus = State.TrackStatus,
        TrackStatusSinceLap = State.TrackStatusHistory.Count > 0 ? State.TrackStatusHistory[^1].FromLap ?? State.LeaderLap : 0,
        Stops = State.Cars.Values.ToDictionary(c => c.Car, c => c.Stops),
        Circuit = State.Race?.Circuit,
    });

    public ValueTask<CarPredictions?> GetPredictions(CarId car) =>
        ValueTask.FromResult(State.Laps.Count == 0 ? null : _predictions.Latest(car));

    public ValueTask<HazardPrediction?> GetHazard() => ValueTask.FromResult(_predictions.LatestHazard());

    private IStrategyPlannerGrain Planner(CarId car) => GrainFactory.GetGrain<IStrategyPlannerGrain>(_key.Car(car).ToString());

    private RaceUpdate? Apply(SessionEvent item)
    {
        switch (item)
        {
            case SessionOpened opened:
                State.Race = opened.Race;
                _predictions.Reset();
                foreach (var entry in opened.Race.Entries)
                {
                    var car = Standing(entry.Car);
                    car.DriverCode = entry.DriverCode;
                    car.DriverName = entry.DriverName;
                    car.Team = entry.Team;
                    car.GridPosition = entry.GridPosition;
                }

                return null;
            case TrackStatusChanged changed:
                if (State.TrackStatusHistory.Count > 0)
                {
                    State.TrackStatusHistory[^1] = State.TrackStatusHistory[^1] with { Until = changed.OccurredAt };
                }

                State.TrackStatus = changed.Status;
                State.TrackStatusHistory.Add(new TrackStatusPeriod(changed.Status, changed.OccurredAt, changed.Lap ?? State.LeaderLap, null));
                return new TrackStatusUpdate { Session = _key, IngestedAtTicks = item.IngestedAtTicks, Status = changed.Status, Lap = changed.Lap, At = changed.OccurredAt };
            case WeatherObserved weather:
                State.Weather = WeatherView.From(weather);
                return new WeatherUpdate { Session = _key, IngestedAtTicks = item.IngestedAtTicks, Weather = State.Weather };
            case RaceControlMessage message:
                if (message.IsChequeredFlag)
                {
                    State.ChequeredAt ??= message.OccurredAt;
                    State.Phase = SessionPhase.Chequered;
                }

                var view = RaceControlView.From(message);
                State.RaceControl.Add(view);
                if (State.RaceControl.Count > RaceControlKept)
                {
                    State.RaceControl.RemoveRange(0, State.RaceControl.Count - RaceControlKept);
                }

                return new RaceControlUpdate { Session = _key, IngestedAtTicks = item.IngestedAtTicks, Message = view };
            case SessionEnded:
                State.Phase = SessionPhase.Ended;
                if (State.TrackStatusHistory.Count > 0 && State.TrackStatusHistory[^1].Until is null)
                {
                    State.TrackStatusHistory[^1] = State.TrackStatusHistory[^1] with { Until = item.OccurredAt };
                }

                return null;
            default:
                LogUnknownEvent(_key, item.GetType().Name);
                return null;
        }
    }

    private SessionStatusUpdate StatusUpdate(long ingestedAtTicks) => new()
    {
        Session = _key,
        IngestedAtTicks = ingestedAtTicks,
        Phase = State.Phase,
        LeaderLap = State.LeaderLap,
        ScheduledLaps = State.Race?.ScheduledLaps,
        Race = State.Race,
        TrackStatus = State.TrackStatus,
        Ingestion = State.Ingestion,
    };

    private FieldPace FieldPace()
    {
        var paces = new List<double>(State.Cars.Count);
        foreach (var car in State.Cars.Values)
        {
            if (car.RollingPace is { } pace)
            {
                paces.Add(pace);
            }
        }

        return new FieldPace(RollingPace.Median(paces), paces.Count, State.Race?.ScheduledLaps, State.Race?.Circuit);
    }

    private CarStanding Standing(CarId car)
    {
        if (!State.Cars.TryGetValue(car, out var standing))
        {
            standing = new CarStanding { Car = car };
            State.Cars[car] = standing;
        }

        return standing;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Session}: its replay is not running on the silo that owns the session; resuming it (resume {Resumes}, {TimingApplied} timing events already applied)")]
    private partial void LogResuming(SessionKey session, int resumes, long timingApplied);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Session}: race-control subscription failed")]
    private partial void LogStreamError(Exception error, SessionKey session);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Session}: a race-control event failed half-way; the session reloads its written state before it is delivered again")]
    private partial void LogApplyFailed(Exception error, SessionKey session);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Session}: ignoring a session event of unknown type {Type}")]
    private partial void LogUnknownEvent(SessionKey session, string type);
}
