using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;
using StratX.Domain.Identity;
using StratX.Domain.Racing;
using StratX.Grains.Hosting;
using StratX.Grains.Observability;
using StratX.Grains.Security;
using StratX.Grains.Streams;
using StratX.Grains.Updates;
using StratX.Grains.Views;
using StratX.Models.PitLoss;
using StratX.Models.Scoring;
using StratX.Simulation;

namespace StratX.Grains.Planning;

/// <summary>
/// Plans one car's race. Each lap the car completes and each track-status change starts a new plan: the live
/// state is read from the session and the cars, the simulations run on the thread pool through the silo's
/// <see cref="SimulationScheduler"/>, and a plan still running when a newer trigger arrives is cancelled, unless
/// laps keep outrunning the simulations (<see cref="StrategyOptions.MaxSupersededInARow"/>): then the running
/// plan finishes and one plan for the newest state follows it, so a car always gets plans. The
/// grain is reentrant so that reading the latest plan never waits for a simulation; its own state only
/// changes on its scheduler, between awaits.
/// </summary>
[Reentrant]
public sealed partial class StrategyPlannerGrain(
    SimulationScheduler scheduler,
    IOptions<StrategyOptions> options,
    LivePredictor predictor,
    StratXMetrics metrics,
    TimeProvider time,
    ILogger<StrategyPlannerGrain> logger)
    : Grain, IStrategyPlannerGrain, ITenantScopedGrain
{
    /// <summary>
    /// The circuit's historical model: typical dry-race values (docs/MODELS.md), with the circuit's pit losses under
    /// green, VSC and safety car from the pit-loss model in use when there is one.
    /// </summary>
    private CircuitChoice _circuit = CircuitChoice.Typical;

    /// <summary>The model plans use: the historical one with its tyre wear updated from this race's stints (<see cref="WithLiveWear"/>).</summary>
    private CircuitChoice _planned = CircuitChoice.Typical;

    private static readonly CircuitModel Circuit = CircuitModel.TypicalDry;

    private readonly TaskCompletionSource<StrategyPlanView?> _firstPlan = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CarKey _key;
    private IAsyncStream<RaceUpdate> _updates = null!;
    private StrategyPlanView? _plan;
    private CancellationTokenSource? _running;
    private long _generation;
    private long _superseded;
    private int _cancelledSincePublish;
    private PlanReason? _pending;
    private bool _planInFlight;
    private bool _raceOver;
    private Task? _started;

    private StrategyOptions Options => options.Value;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = CarKey.Parse(this.GetPrimaryKeyString());
        _updates = RaceStreams.Updates(this.GetStreamProvider(OrleansNames.UpdateStreams), _key.Session);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Following the session and the first plan start with the first call the grain takes, not on activation:
    /// a call the tenant call filter refuses has already activated its target, and must set nothing going there.
    /// A start that failed (the session unreachable) is tried again by the next call.
    /// </summary>
    private Task Started()
    {
        if (_started is null || _started.IsFaulted || _started.IsCanceled)
        {
            _started = StartAsync();
        }

        return _started;

        async Task StartAsync()
        {
            await Session().FollowStrategy(_key.Car);
            Replan(PlanReason.Started);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _running?.Cancel();
        _running?.Dispose();
        _running = null;
        _firstPlan.TrySetResult(_plan);
        return Task.CompletedTask;
    }

    public async ValueTask<StrategyPlanView?> GetPlan(TimeSpan wait)
    {
        await Started();
        if (_plan is not null || wait <= TimeSpan.Zero)
        {
            return _plan;
        }

        try
        {
            return await _firstPlan.Task.WaitAsync(wait, time);
        }
        catch (TimeoutException)
        {
            return _plan;
        }
    }

    public async ValueTask OnLapCompleted(int lap)
    {
        await Started();
        Replan(PlanReason.Lap);
    }

    public async ValueTask OnTrackStatusChanged(TrackStatus status)
    {
        await Started();
        Replan(PlanReason.TrackStatus);
    }

    public async ValueTask<StrategyComparison> Compare(StrategyComparisonRequest request)
    {
        await Started();
        var errors = request.Validate(Options.MaxComparisonCandidates, Options.MaxComparisonRuns);
        if (errors.Count > 0)
        {
            return new StrategyComparison { Car = _key, Errors = errors };
        }

        var live = await ReadLiveState();
        if (live.Unavailable is { } why)
        {
            return new StrategyComparison { Car = _key, AfterLap = live.LeaderLap, TotalLaps = live.TotalLaps, Unavailable = why };
        }

        var snapshot = live.Snapshot!;
        var candidates = request.Candidates.Select(c => c.ToStrategy()).ToList();
        try
        {
            var outcomes = await scheduler.RunAsync(
                token => live.Circuit!.Search.Compare(snapshot, _key.Car.Value, candidates, runs: request.Runs, seed: request.Seed, cancellationToken: token),
                CancellationToken.None,
                interactive: true);
            return new StrategyComparison
            {
                Car = _key,
                AfterLap = snapshot.LapsCompleted,
                TotalLaps = snapshot.TotalLaps,
                Runs = request.Runs,
                Seed = request.Seed,
                Candidates = [.. outcomes.Select(o => o.ToView())],
            };
        }
        catch (InvalidRaceStateException e)
        {
            return new StrategyComparison { Car = _key, AfterLap = snapshot.LapsCompleted, TotalLaps = snapshot.TotalLaps, Errors = e.Errors };
        }
    }

    /// <summary>Starts a plan for the newest state, cancelling the one still running; returns at once.</summary>
    private void Replan(PlanReason reason)
    {
        if (_raceOver)
        {
            return;
        }

        if (_planInFlight)
        {
            if (reason == PlanReason.Lap && _cancelledSincePublish >= Options.MaxSupersededInARow)
            {
                // Laps outrun the simulations (a fast replay, a starved node): cancelling again could leave the
                // car without any plan. The running plan finishes and is published; this lap's plan follows it.
                _pending = reason;
                return;
            }

            _superseded++;
            _cancelledSincePublish++;
        }

        _running?.Cancel();
        _running?.Dispose();
        _running = new CancellationTokenSource();
        _planInFlight = true;
        var generation = ++_generation;
        _ = PlanAsync(generation, reason, _running.Token);
    }

    private async Task PlanAsync(long generation, PlanReason reason, CancellationToken cancellationToken)
    {
        try
        {
            var live = await ReadLiveState();
            if (generation != _generation)
            {
                return;
            }

            StrategyPlanView plan;
            if (live.Unavailable is { } why)
            {
                plan = Unavailable(live, reason, why);
            }
            else
            {
                var started = Stopwatch.GetTimestamp();
                var snapshot = live.Snapshot!;
                if (snapshot.TrackStatus != SimTrackStatus.Green)
                {
                    // Box or stay out is the question of the moment: answer it before the full search.
                    var reaction = await scheduler.RunAsync(token => React(live.Circuit!, snapshot, token), cancellationToken);
                    if (generation != _generation)
                    {
                        return;
                    }

                    await Publish((_plan ?? Unavailable(live, reason, string.Empty)) with
                    {
                        AfterLap = snapshot.LapsCompleted,
                        TrackStatus = live.TrackStatus,
                        Reason = reason,
                        ComputedAt = time.GetUtcNow(),
                        ElapsedMilliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                        Neutralisation = reaction,
                        Unavailable = null,
                        SearchPending = true,
                    });
                }

                plan = await scheduler.RunAsync(token => Plan(live.Circuit!, snapshot, live.TrackStatus, reason, started, token), cancellationToken);
            }

            if (generation == _generation)
            {
                _raceOver = live.RaceOver;
                if (plan.Unavailable is null && !plan.SearchPending)
                {
                    metrics.Recommended(reason.ToString().ToLowerInvariant());
                }

                await Publish(plan);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A newer state arrived; its plan replaces this one.
        }
        catch (Exception e)
        {
            LogPlanFailed(e, _key, reason);
        }
        finally
        {
            if (generation == _generation)
            {
                _planInFlight = false;
                if (_pending is { } next)
                {
                    _pending = null;
                    Replan(next);
                }
            }
        }
    }

    private StrategyPlanView Plan(CircuitChoice circuit, RaceSnapshot snapshot, TrackStatus trackStatus, PlanReason reason, long started, CancellationToken cancellationToken)
    {
        var search = circuit.Search;
        var car = _key.Car.Value;
        var seed = (ulong)snapshot.LapsCompleted + 1;
        StrategyRecommendation recommendation;
        try
        {
            recommendation = search.Recommend(snapshot, car, options: new StrategySearchOptions
            {
                RunsPerCandidate = Options.RunsPerCandidate,
                MaxCandidates = Options.MaxCandidates,
                Seed = seed,
                Cancellation = cancellationToken,
            });
        }
        catch (InvalidRaceStateException e)
        {
            return Unavailable(snapshot, trackStatus, reason, string.Join(" ", e.Errors));
        }

        var running = snapshot.Cars.Where(c => !c.Retired).ToList();
        var index = running.FindIndex(c => c.Id == car);
        UndercutView? Versus(int rival) =>
            rival >= 0 && rival < running.Count && snapshot.LapsCompleted + 2 < snapshot.TotalLaps
                ? search.Undercut(snapshot, car, running[rival].Id, runs: Options.QuestionRuns, seed: seed, cancellationToken: cancellationToken).ToView()
                : null;

        return new StrategyPlanView
        {
            Car = _key,
            AfterLap = snapshot.LapsCompleted,
            TotalLaps = snapshot.TotalLaps,
            TrackStatus = trackStatus,
            Reason = reason,
            RunsPerCandidate = recommendation.RunsPerCandidate,
            CandidatesEvaluated = recommendation.Candidates.Count,
            Confidence = recommendation.Confidence,
            NextStop = recommendation.NextStop is { } w ? new PitWindowView(w.FirstLap, w.LastLap, w.Compound) : null,
            Candidates = [.. recommendation.Candidates.Take(Options.CandidatesShown).Select(c => c.ToView())],
            VersusCarAhead = Versus(index - 1),
            VersusCarBehind = Versus(index + 1),
            Neutralisation = snapshot.TrackStatus == SimTrackStatus.Green ? null : React(circuit, snapshot, cancellationToken),
            CircuitModel = circuit.Name,
            Wear = circuit.WearView(),
            Seed = seed,
            ComputedAt = time.GetUtcNow(),
            ElapsedMilliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
        };
    }

    private NeutralisationView? React(CircuitChoice circuit, RaceSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.LapsCompleted + 1 >= snapshot.TotalLaps)
        {
            return null;
        }

        var reaction = circuit.Search.ReactToNeutralisation(snapshot, _key.Car.Value, runs: Options.QuestionRuns, seed: (ulong)snapshot.LapsCompleted + 1, cancellationToken: cancellationToken);
        return new NeutralisationView
        {
            Status = snapshot.TrackStatus == SimTrackStatus.SafetyCar ? TrackStatus.SafetyCar : TrackStatus.VirtualSafetyCar,
            BoxNow = reaction.BoxNow.ToView(),
            StayOut = reaction.StayOut.ToView(),
            BoxNowBetter = reaction.BoxNowBetter,
            RecommendBox = reaction.RecommendBox,
        };
    }

    private async Task Publish(StrategyPlanView plan)
    {
        plan = plan with { Superseded = _superseded };
        _cancelledSincePublish = 0;
        _plan = plan;
        _firstPlan.TrySetResult(plan);
        await _updates.OnNextAsync(new StrategyUpdate { Session = _key.Session, Plan = plan });
    }

    /// <summary>The live race as a simulation start: the session's lap count and status, every car's laps.</summary>
    private async Task<LiveState> ReadLiveState()
    {
        var inputs = await Session().GetRaceInputs();
        var state = new LiveState { TrackStatus = inputs.TrackStatus, LeaderLap = inputs.LeaderLap, TotalLaps = inputs.ScheduledLaps ?? 0 };
        if (inputs.Phase is SessionPhase.Chequered or SessionPhase.Ended)
        {
            return state with { Unavailable = "The race is over.", RaceOver = true };
        }

        if (inputs.ScheduledLaps is not { } totalLaps)
        {
            return state with { Unavailable = "The race distance is not known yet." };
        }

        if (inputs.LeaderLap < 1)
        {
            return state with { Unavailable = "The race has not started: plans begin after the first lap." };
        }

        if (inputs.LeaderLap >= totalLaps - 1)
        {
            return state with { Unavailable = "No lap is left to stop at before the flag." };
        }

        if (inputs.TrackStatus == TrackStatus.Red)
        {
            return state with { Unavailable = "Red flag: the race is suspended; plans resume at the restart." };
        }

        if (!inputs.Stops.ContainsKey(_key.Car))
        {
            return state with { Unavailable = $"Car {_key.Car} is not in this session." };
        }

        _circuit = ChooseCircuit(inputs.Circuit);
        var cars = inputs.Stops.Keys.ToList();
        var laps = await Task.WhenAll(cars.Select(c => GrainFactory.GetGrain<ICarGrain>(_key.Session.Car(c).ToString()).GetLaps().AsTask()));
        var histories = cars.Select((c, i) => new CarHistory(c.Value, laps[i], inputs.Stops[c])).ToList();
        var (status, lapsLeft) = Neutralisation(inputs);
        _planned = WithLiveWear(_circuit, histories, totalLaps, inputs.LeaderLap);
        var snapshot = RaceSnapshotBuilder.From(histories, totalLaps, inputs.LeaderLap, _planned.Model, status, lapsLeft);
        var errors = snapshot.Validate();
        if (errors.Count > 0)
        {
            return state with { Unavailable = "The live state cannot be simulated: " + string.Join(" ", errors) };
        }

        return !snapshot.Cars.Any(c => c.Id == _key.Car.Value && !c.Retired)
            ? state with { Unavailable = $"Car {_key.Car} is no longer running." }
            : state with { Snapshot = snapshot, Circuit = _planned };
    }

    /// <summary>A neutralisation's laps to run are not announced: the typical length less the laps it has run.</summary>
    private static (SimTrackStatus Status, int LapsLeft) Neutralisation(RaceInputs inputs)
    {
        var elapsed = Math.Max(0, inputs.LeaderLap - inputs.TrackStatusSinceLap);
        return inputs.TrackStatus switch
        {
            TrackStatus.SafetyCar => (SimTrackStatus.SafetyCar, Math.Max(1, ((Circuit.SafetyCarLapsMin + Circuit.SafetyCarLapsMax + 1) / 2) - elapsed)),
            TrackStatus.VirtualSafetyCar => (SimTrackStatus.Vsc, Math.Max(1, ((Circuit.VscLapsMin + Circuit.VscLapsMax + 1) / 2) - elapsed)),
            _ => (SimTrackStatus.Green, 0),
        };
    }

    private StrategyPlanView Unavailable(LiveState live, PlanReason reason, string why) => new()
    {
        Car = _key,
        AfterLap = live.LeaderLap,
        TotalLaps = live.TotalLaps,
        TrackStatus = live.TrackStatus,
        Reason = reason,
        ComputedAt = time.GetUtcNow(),
        ElapsedMilliseconds = 0,
        CircuitModel = _planned.Name,
        Unavailable = why,
    };

    private StrategyPlanView Unavailable(RaceSnapshot snapshot, TrackStatus trackStatus, PlanReason reason, string why) =>
        Unavailable(new LiveState { LeaderLap = snapshot.LapsCompleted, TotalLaps = snapshot.TotalLaps, TrackStatus = trackStatus }, reason, why);

    private ISessionGrain Session() => GrainFactory.GetGrain<ISessionGrain>(_key.Session.ToString());

    /// <summary>The typical circuit with this circuit's fitted pit losses, rebuilt only when the circuit or the pit-loss version changes.</summary>
    private CircuitChoice ChooseCircuit(string? circuit)
    {
        var loaded = predictor.Registry.Current(LivePredictor.PitLossTask);
        if (loaded?.Model is not PitLossTable table)
        {
            return CircuitChoice.Typical;
        }

        if (_circuit.Version == loaded.Version && _circuit.Circuit == circuit)
        {
            return _circuit;
        }

        var model = CircuitModel.TypicalDry with
        {
            PitLossGreen = table.Lookup(circuit, PitStatus.Green),
            PitLossVsc = table.Lookup(circuit, PitStatus.VirtualSafetyCar),
            PitLossSafetyCar = table.Lookup(circuit, PitStatus.SafetyCar),
        };
        return new CircuitChoice(circuit, loaded.Version, model, new StrategySearch(new RaceSimulator(model)), $"typical-dry, pit loss v{loaded.Version} ({circuit ?? "all circuits"}: {model.PitLossGreen:0.0}/{model.PitLossVsc:0.0}/{model.PitLossSafetyCar:0.0} s)");
    }

    /// <summary>
    /// The historical model with each dry compound's wear learnt from this race's stints so far (<see cref="LiveWear"/>,
    /// <see cref="StrategyOptions.LiveWear"/>). Plans are made every lap, so the simulator and search are rebuilt only
    /// when a compound's rate has moved by at least <see cref="WearRebuildThreshold"/> from the one in use, or the
    /// historical model changed; otherwise the model in use stands, and the plan says what it was fitted from.
    /// </summary>
    private CircuitChoice WithLiveWear(CircuitChoice historical, IReadOnlyList<CarHistory> histories, int totalLaps, int lap)
    {
        if (!Options.LiveWear)
        {
            return historical;
        }

        var fit = LiveWear.Fit(historical.Model, histories, totalLaps, lap, Options.LiveWearPriorStints);
        if (fit.LiveStints == 0)
        {
            return historical;
        }

        if (ReferenceEquals(_planned.From, historical) && _planned.Wear is { } used
            && fit.Compounds.Zip(used.Compounds).All(c => Math.Abs(c.First.PerLap - c.Second.PerLap) < WearRebuildThreshold))
        {
            return _planned;
        }

        var updated = historical with { Model = fit.Model, Search = new StrategySearch(new RaceSimulator(fit.Model)), From = historical, Wear = fit };
        var wear = updated.WearView();
        return updated with
        {
            Name = string.Create(
                CultureInfo.InvariantCulture,
                $"{historical.Name}, wear from {fit.LiveStints} live stint{(fit.LiveStints == 1 ? "" : "s")} (soft/medium/hard {wear[0].PerLap:0.000}/{wear[1].PerLap:0.000}/{wear[2].PerLap:0.000} s/lap)"),
        };
    }

    /// <summary>
    /// A wear rate that moved less than this (s/lap) keeps the simulator in use: 0.002 s/lap is 0.05 s a lap after a
    /// 25-lap stint, well inside the simulator's 0.7 s/lap pace uncertainty.
    /// </summary>
    private const double WearRebuildThreshold = 0.002;

    private sealed record CircuitChoice(string? Circuit, int? Version, CircuitModel Model, StrategySearch Search, string Name)
    {
        public static readonly CircuitChoice Typical = new(null, null, CircuitModel.TypicalDry, new StrategySearch(new RaceSimulator(CircuitModel.TypicalDry)), "typical-dry");

        private static readonly TyreCompound[] DryCompounds = [TyreCompound.Soft, TyreCompound.Medium, TyreCompound.Hard];

        /// <summary>The historical choice this one updated with live wear; null on a historical choice.</summary>
        public CircuitChoice? From { get; init; }

        /// <summary>The live wear update behind <see cref="Model"/>; null on a historical choice.</summary>
        public LiveWearFit? Wear { get; init; }

        /// <summary>Per dry compound, the wear the model carries and the live stints behind it.</summary>
        public IReadOnlyList<CompoundWearView> WearView() => Wear is { } fit
            ? [.. fit.Compounds.Select(w => new CompoundWearView(w.Compound, Math.Round(w.PerLap, 4), Math.Round(w.Historical, 4), w.LiveStints))]
            : [.. DryCompounds.Select(c => new CompoundWearView(c, Math.Round(Model.Tyre(c).DegradationPerLap, 4), Math.Round(Model.Tyre(c).DegradationPerLap, 4), 0))];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Car}: strategy plan ({Reason}) failed")]
    private partial void LogPlanFailed(Exception error, CarKey car, PlanReason reason);

    private sealed record LiveState
    {
        public required TrackStatus TrackStatus { get; init; }

        public required int LeaderLap { get; init; }

        public required int TotalLaps { get; init; }

        public RaceSnapshot? Snapshot { get; init; }

        /// <summary>The circuit model the snapshot was built with, which its plan must simulate with.</summary>
        public CircuitChoice? Circuit { get; init; }

        public string? Unavailable { get; init; }

        public bool RaceOver { get; init; }
    }
}
