using StratX.Domain.Racing;

namespace StratX.Simulation;

/// <summary>How a strategy search is run.</summary>
public sealed record StrategySearchOptions
{
    public int RunsPerCandidate { get; init; } = 500;

    public ulong Seed { get; init; } = 1;

    /// <summary>Most stops a candidate may add (0–3).</summary>
    public int MaxStops { get; init; } = 3;

    /// <summary>At most this many candidates are simulated; stop laps are spaced out to fit.</summary>
    public int MaxCandidates { get; init; } = 60;

    /// <summary>A stint is at least this many laps.</summary>
    public int MinStintLaps { get; init; } = 5;

    /// <summary>Compounds a stop may fit (the dry compounds by default).</summary>
    public IReadOnlyList<TyreCompound> Compounds { get; init; } = [TyreCompound.Soft, TyreCompound.Medium, TyreCompound.Hard];

    public int Parallelism { get; init; }

    /// <summary>Abandons the search (a newer state has arrived) with an <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>One candidate strategy's simulated outcome for the car.</summary>
public sealed record CandidateOutcome
{
    public required Strategy Strategy { get; init; }

    public required IReadOnlyList<double> PositionProbabilities { get; init; }

    public required double Win { get; init; }

    public required double Podium { get; init; }

    public required double Points { get; init; }

    public required double ExpectedPosition { get; init; }

    /// <summary>Mean race time to the flag over the runs the car finished classified (seconds).</summary>
    public double? ExpectedRaceTime { get; init; }

    /// <summary>Mean positions lost against the best candidate of the same run.</summary>
    public required double Regret { get; init; }

    /// <summary>Share of runs in which this candidate was the best (position, then race time).</summary>
    public required double BestShare { get; init; }
}

/// <summary>The recommended window and compound, with how often that choice came out best.</summary>
public sealed record PitWindow(int FirstLap, int LastLap, TyreCompound Compound);

/// <summary>The result of a strategy search for one car.</summary>
public sealed record StrategyRecommendation
{
    public required string Car { get; init; }

    public required int RunsPerCandidate { get; init; }

    /// <summary>Candidates, best first (expected position, then regret).</summary>
    public required IReadOnlyList<CandidateOutcome> Candidates { get; init; }

    public CandidateOutcome Best => Candidates[0];

    /// <summary>The next stop's window and compound (null when the best plan is not to stop).</summary>
    public PitWindow? NextStop { get; init; }

    /// <summary>Share of runs in which a candidate with the recommended next stop (window and compound, or no stop) was best.</summary>
    public required double Confidence { get; init; }
}

/// <summary>The chance of being ahead of a rival once both have stopped, for three choices.</summary>
public sealed record UndercutAnalysis
{
    public required string Car { get; init; }

    public required string Rival { get; init; }

    /// <summary>The lap after which the order is compared (both have stopped by then).</summary>
    public required int ComparedAfterLap { get; init; }

    public required int Runs { get; init; }

    public required double AheadIfBoxNow { get; init; }

    public required double AheadIfBoxNextLap { get; init; }

    public required double AheadIfStayOut { get; init; }
}

/// <summary>Box now or stay out under a neutralisation.</summary>
public sealed record NeutralisationReaction
{
    public required string Car { get; init; }

    public required CandidateOutcome BoxNow { get; init; }

    public required CandidateOutcome StayOut { get; init; }

    /// <summary>Share of runs in which boxing now finished better (position, then time).</summary>
    public required double BoxNowBetter { get; init; }

    public bool RecommendBox => BoxNow.ExpectedPosition < StayOut.ExpectedPosition
        || (BoxNow.ExpectedPosition == StayOut.ExpectedPosition && BoxNowBetter >= 0.5);
}

/// <summary>
/// Strategy questions for one car, answered by simulation with common random numbers: every candidate is run
/// with the same seed, so the incidents and noise are the same and differences come from the strategy.
/// </summary>
public sealed class StrategySearch(RaceSimulator simulator)
{
    /// <summary>Every legal plan (0–3 more stops, laps, compounds) within the budget, simulated and ranked.</summary>
    public StrategyRecommendation Recommend(RaceSnapshot start, string car, IReadOnlyDictionary<string, Strategy>? otherPlans = null, StrategySearchOptions? options = null)
    {
        options ??= new StrategySearchOptions();
        var subject = Subject(start, car);
        var candidates = Candidates(start, subject, options);
        if (candidates.Count == 0)
        {
            throw new InvalidRaceStateException([$"car {car}: no legal strategy is left (it cannot use a second dry compound before the flag)."]);
        }

        var outcomes = Evaluate(start, car, candidates, otherPlans, new SimulationOptions { Runs = options.RunsPerCandidate, Seed = options.Seed, Parallelism = options.Parallelism, Cancellation = options.Cancellation }, out var best);
        var ranked = outcomes.Select((o, i) => (Outcome: o, Index: i)).OrderBy(x => x.Outcome.ExpectedPosition).ThenBy(x => x.Outcome.Regret).ToList();
        var top = ranked[0].Outcome;
        PitWindow? window = null;
        var family = new HashSet<int>();
        if (top.Strategy.Stops.Count == 0)
        {
            family.UnionWith(ranked.Where(x => x.Outcome.Strategy.Stops.Count == 0).Select(x => x.Index));
        }
        else
        {
            var next = top.Strategy.Stops[0];
            var close = ranked.Where(x => x.Outcome.Strategy.Stops.Count > 0
                && x.Outcome.Strategy.Stops[0].Compound == next.Compound
                && x.Outcome.ExpectedPosition <= top.ExpectedPosition + 0.15).ToList();
            window = new PitWindow(close.Min(x => x.Outcome.Strategy.Stops[0].Lap), close.Max(x => x.Outcome.Strategy.Stops[0].Lap), next.Compound);
            family.UnionWith(ranked.Where(x => x.Outcome.Strategy.Stops.Count > 0
                && x.Outcome.Strategy.Stops[0].Compound == window.Compound
                && x.Outcome.Strategy.Stops[0].Lap >= window.FirstLap
                && x.Outcome.Strategy.Stops[0].Lap <= window.LastLap).Select(x => x.Index));
        }

        var confident = 0;
        for (var run = 0; run < options.RunsPerCandidate; run++)
        {
            if (family.Contains(best[run]))
            {
                confident++;
            }
        }

        return new StrategyRecommendation
        {
            Car = car,
            RunsPerCandidate = options.RunsPerCandidate,
            Candidates = [.. ranked.Select(x => x.Outcome)],
            NextStop = window,
            Confidence = (double)confident / options.RunsPerCandidate,
        };
    }

    /// <summary>Undercut or overcut on a rival: P(ahead of it after both have stopped) if the car boxes now, next lap or stays out longer.</summary>
    public UndercutAnalysis Undercut(RaceSnapshot start, string car, string rival, IReadOnlyDictionary<string, Strategy>? otherPlans = null, int runs = 2_000, ulong seed = 1, int stayOutLaps = 3, CancellationToken cancellationToken = default)
    {
        var subject = Subject(start, car);
        var other = Subject(start, rival);
        var plans = Plans(start, otherPlans);
        var rivalPlan = plans.TryGetValue(rival, out var given) && given.Stops.Count > 0 ? given : DefaultStrategies.For(other, start, simulator.Circuit);
        var rivalStop = rivalPlan.Stops.Count > 0 ? rivalPlan.Stops[0].Lap : start.LapsCompleted + 1;
        plans[rival] = rivalPlan.Stops.Count > 0 ? rivalPlan : new Strategy([new PlannedStop(rivalStop, Other(other.Compound))]);
        var compound = plans.TryGetValue(car, out var own) && own.Stops.Count > 0 ? own.Stops[0].Compound : Other(subject.Compound);
        var now = start.LapsCompleted + 1;
        var stayOut = Math.Min(start.TotalLaps - 1, Math.Max(rivalStop + stayOutLaps, now + 2));
        var compareAfter = Math.Min(start.TotalLaps, Math.Max(stayOut, rivalStop) + 1);

        double Ahead(int lap)
        {
            var trial = new Dictionary<string, Strategy>(plans, StringComparer.Ordinal) { [car] = new([new PlannedStop(lap, compound)]) };
            var race = simulator.Compile(start, trial);
            var probe = new RunProbe(Index(start, car), runs, Index(start, rival), compareAfter);
            simulator.Execute(race, new SimulationOptions { Runs = runs, Seed = seed, Cancellation = cancellationToken }, probe);
            return (double)probe.Ahead.Count(a => a) / runs;
        }

        return new UndercutAnalysis
        {
            Car = car,
            Rival = rival,
            ComparedAfterLap = compareAfter,
            Runs = runs,
            AheadIfBoxNow = Ahead(now),
            AheadIfBoxNextLap = Ahead(Math.Min(now + 1, start.TotalLaps - 1)),
            AheadIfStayOut = Ahead(stayOut),
        };
    }

    /// <summary>Under a safety car or VSC: box at the end of this lap, or keep the plan.</summary>
    public NeutralisationReaction ReactToNeutralisation(RaceSnapshot start, string car, IReadOnlyDictionary<string, Strategy>? otherPlans = null, int runs = 2_000, ulong seed = 1, CancellationToken cancellationToken = default)
    {
        var subject = Subject(start, car);
        var plans = Plans(start, otherPlans);
        var plan = plans.TryGetValue(car, out var given) ? given : DefaultStrategies.For(subject, start, simulator.Circuit);
        var compound = plan.Stops.Count > 0 ? plan.Stops[0].Compound : Other(subject.Compound);
        var boxNow = new Strategy([new PlannedStop(start.LapsCompleted + 1, compound), .. plan.Stops.Skip(1)]);
        var outcomes = Evaluate(start, car, [boxNow, plan], otherPlans, new SimulationOptions { Runs = runs, Seed = seed, Cancellation = cancellationToken }, out var best);
        return new NeutralisationReaction
        {
            Car = car,
            BoxNow = outcomes[0],
            StayOut = outcomes[1],
            BoxNowBetter = (double)best.Count(b => b == 0) / runs,
        };
    }

    /// <summary>What-if: the car's own candidate strategies, each simulated with the same seed.</summary>
    /// <exception cref="InvalidRaceStateException">A candidate is not a plan the car can run from this state.</exception>
    public IReadOnlyList<CandidateOutcome> Compare(RaceSnapshot start, string car, IReadOnlyList<Strategy> candidates, IReadOnlyDictionary<string, Strategy>? otherPlans = null, int runs = 1_000, ulong seed = 1, CancellationToken cancellationToken = default)
    {
        var errors = candidates.SelectMany((c, i) => start.ValidateStrategy(car, c).Select(e => $"candidate {i + 1}: {e}")).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidRaceStateException(errors);
        }

        return Evaluate(start, car, candidates, otherPlans, new SimulationOptions { Runs = runs, Seed = seed, Cancellation = cancellationToken }, out _);
    }

    /// <summary>Simulates each candidate with the same seed; <paramref name="best"/> is the best candidate's index per run.</summary>
    private List<CandidateOutcome> Evaluate(RaceSnapshot start, string car, IReadOnlyList<Strategy> candidates, IReadOnlyDictionary<string, Strategy>? otherPlans, SimulationOptions options, out int[] best)
    {
        var errors = start.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidRaceStateException(errors);
        }

        var runs = options.Runs;
        var index = Index(start, car);
        var plans = Plans(start, otherPlans);
        var probes = new RunProbe[candidates.Count];
        var counts = new ChunkResult[candidates.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            plans[car] = candidates[c];
            probes[c] = new RunProbe(index, runs);
            options.Cancellation.ThrowIfCancellationRequested();
            counts[c] = simulator.Execute(simulator.Compile(start, plans), options, probes[c]);
        }

        best = new int[runs];
        var bestPosition = new int[runs];
        for (var run = 0; run < runs; run++)
        {
            var winner = 0;
            for (var c = 1; c < candidates.Count; c++)
            {
                var p = probes[c];
                var w = probes[winner];
                if (p.Positions[run] < w.Positions[run] || (p.Positions[run] == w.Positions[run] && p.Times[run] < w.Times[run]))
                {
                    winner = c;
                }
            }

            best[run] = winner;
            bestPosition[run] = probes[winner].Positions[run];
        }

        var outcomes = new List<CandidateOutcome>(candidates.Count);
        var n = start.Cars.Count;
        for (var c = 0; c < candidates.Count; c++)
        {
            var probabilities = PositionDistribution.FromCounts(counts[c].PositionCounts.AsSpan(index * n, n), runs);
            var finished = probes[c].Times.Where(double.IsFinite).ToList();
            var regret = 0.0;
            var wins = 0;
            for (var run = 0; run < runs; run++)
            {
                regret += probes[c].Positions[run] - bestPosition[run];
                wins += best[run] == c ? 1 : 0;
            }

            outcomes.Add(new CandidateOutcome
            {
                Strategy = candidates[c],
                PositionProbabilities = probabilities,
                Win = probabilities[0],
                Podium = PositionDistribution.Top(probabilities, 3),
                Points = PositionDistribution.Top(probabilities, 10),
                ExpectedPosition = PositionDistribution.Expected(probabilities),
                ExpectedRaceTime = finished.Count > 0 ? finished.Average() : null,
                Regret = regret / runs,
                BestShare = (double)wins / runs,
            });
        }

        return outcomes;
    }

    /// <summary>Legal plans for the car: each leaves it with two dry compounds used by the flag.</summary>
    internal static List<Strategy> Candidates(RaceSnapshot start, SimCar car, StrategySearchOptions options)
    {
        var first = start.LapsCompleted + 1;
        var last = start.TotalLaps - 1;
        var used = car.CompoundsUsed.Append(car.Compound).Where(c => c.IsDry()).ToHashSet();
        var wet = !car.Compound.IsDry();
        bool Legal(IEnumerable<TyreCompound> fitted) => wet || used.Union(fitted.Where(c => c.IsDry())).Count() >= 2;

        var all = new List<Strategy>();
        if (Legal([]))
        {
            all.Add(Strategy.NoStop);
        }

        for (var stops = 1; stops <= Math.Min(3, options.MaxStops); stops++)
        {
            var budget = Math.Max(1, (options.MaxCandidates - all.Count) / (Math.Min(3, options.MaxStops) - stops + 1));
            var plans = Plans(stops, first, last, options).ToList();
            var compounds = Sequences(options.Compounds, stops).Where(s => Legal(s)).ToList();
            var wanted = Math.Max(1, budget / Math.Max(1, compounds.Count));
            var step = Math.Max(1, (int)Math.Ceiling((double)plans.Count / wanted));
            for (var i = 0; i < plans.Count; i += step)
            {
                foreach (var sequence in compounds)
                {
                    all.Add(new Strategy([.. plans[i].Zip(sequence, (lap, compound) => new PlannedStop(lap, compound))]));
                }
            }
        }

        return all;
    }

    private static IEnumerable<int[]> Plans(int stops, int first, int last, StrategySearchOptions options)
    {
        var minStint = options.MinStintLaps;
        if (stops == 1)
        {
            for (var a = first; a <= last; a++)
            {
                yield return [a];
            }

            yield break;
        }

        var step = stops == 2 ? 3 : 5;
        for (var a = first; a <= last; a += step)
        {
            for (var b = a + minStint; b <= last; b += step)
            {
                if (stops == 2)
                {
                    yield return [a, b];
                    continue;
                }

                for (var c = b + minStint; c <= last; c += step)
                {
                    yield return [a, b, c];
                }
            }
        }
    }

    private static IEnumerable<TyreCompound[]> Sequences(IReadOnlyList<TyreCompound> compounds, int length)
    {
        if (length == 0)
        {
            yield return [];
            yield break;
        }

        foreach (var head in compounds)
        {
            foreach (var tail in Sequences(compounds, length - 1))
            {
                yield return [head, .. tail];
            }
        }
    }

    private Dictionary<string, Strategy> Plans(RaceSnapshot start, IReadOnlyDictionary<string, Strategy>? given)
    {
        var plans = DefaultStrategies.For(start, simulator.Circuit);
        foreach (var (car, plan) in given ?? new Dictionary<string, Strategy>())
        {
            plans[car] = plan;
        }

        return plans;
    }

    private static SimCar Subject(RaceSnapshot start, string car) =>
        start.Cars.FirstOrDefault(c => c.Id == car && !c.Retired) ?? throw new InvalidRaceStateException([$"car {car} is not running in this state."]);

    private static int Index(RaceSnapshot start, string car)
    {
        for (var i = 0; i < start.Cars.Count; i++)
        {
            if (start.Cars[i].Id == car)
            {
                return i;
            }
        }

        throw new InvalidRaceStateException([$"car {car} is not in this state."]);
    }

    private static TyreCompound Other(TyreCompound compound) => compound == TyreCompound.Hard ? TyreCompound.Medium : TyreCompound.Hard;
}
