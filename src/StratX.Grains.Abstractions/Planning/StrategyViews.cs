using StratX.Domain.Identity;
using StratX.Domain.Racing;

namespace StratX.Grains.Planning;

/// <summary>Why a plan was made.</summary>
public enum PlanReason
{
    /// <summary>The first plan, when someone starts following the car.</summary>
    Started,

    /// <summary>The car completed a lap.</summary>
    Lap,

    /// <summary>The track status changed (safety car, VSC, red flag, back to green).</summary>
    TrackStatus,
}

/// <summary>A stop a plan makes: at the end of <see cref="Lap"/>, fit <see cref="Compound"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record PlannedStopView([property: Id(0)] int Lap, [property: Id(1)] TyreCompound Compound);

/// <summary>The laps in which the recommended next stop is as good as the best, and the compound for it.</summary>
[GenerateSerializer, Immutable]
public sealed record PitWindowView([property: Id(0)] int FirstLap, [property: Id(1)] int LastLap, [property: Id(2)] TyreCompound Compound);

/// <summary>
/// A dry compound's wear rate the simulations used (s/lap of tyre age, fuel-corrected), the circuit's historical
/// rate it came from, and the stints of this race it was updated from (0: the historical rate alone).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CompoundWearView(
    [property: Id(0)] TyreCompound Compound,
    [property: Id(1)] double PerLap,
    [property: Id(2)] double Historical,
    [property: Id(3)] int LiveStints);

/// <summary>One candidate strategy of the car, as the simulations scored it.</summary>
[GenerateSerializer, Immutable]
public sealed record CandidateView
{
    /// <summary>"no stop" or the stops, e.g. "L23 HARD, L41 MEDIUM".</summary>
    [Id(0)]
    public required string Name { get; init; }

    [Id(1)]
    public required IReadOnlyList<PlannedStopView> Stops { get; init; }

    /// <summary>P(finishing position = index + 1).</summary>
    [Id(2)]
    public required IReadOnlyList<double> PositionProbabilities { get; init; }

    [Id(3)]
    public required double Win { get; init; }

    [Id(4)]
    public required double Podium { get; init; }

    [Id(5)]
    public required double Points { get; init; }

    [Id(6)]
    public required double ExpectedPosition { get; init; }

    /// <summary>Mean time to the flag from the planned state when the car finished (seconds).</summary>
    [Id(7)]
    public double? ExpectedRaceTime { get; init; }

    /// <summary>Mean positions lost against the best candidate of the same simulated race.</summary>
    [Id(8)]
    public required double Regret { get; init; }

    /// <summary>Share of simulated races in which this candidate came out best.</summary>
    [Id(9)]
    public required double BestShare { get; init; }
}

/// <summary>P(ahead of a rival once both have stopped) if the car boxes now, next lap or stays out.</summary>
[GenerateSerializer, Immutable]
public sealed record UndercutView
{
    [Id(0)]
    public required CarId Rival { get; init; }

    /// <summary>The order is compared after this lap, when both cars have stopped.</summary>
    [Id(1)]
    public required int ComparedAfterLap { get; init; }

    [Id(2)]
    public required int Runs { get; init; }

    [Id(3)]
    public required double AheadIfBoxNow { get; init; }

    [Id(4)]
    public required double AheadIfBoxNextLap { get; init; }

    [Id(5)]
    public required double AheadIfStayOut { get; init; }
}

/// <summary>Under a safety car or VSC: box at the end of this lap, or stay out on the plan.</summary>
[GenerateSerializer, Immutable]
public sealed record NeutralisationView
{
    [Id(0)]
    public required TrackStatus Status { get; init; }

    [Id(1)]
    public required CandidateView BoxNow { get; init; }

    [Id(2)]
    public required CandidateView StayOut { get; init; }

    /// <summary>Share of simulated races in which boxing now finished better.</summary>
    [Id(3)]
    public required double BoxNowBetter { get; init; }

    [Id(4)]
    public required bool RecommendBox { get; init; }
}

/// <summary>
/// The strategy StratX recommends for one car, from simulations of the rest of the race started from the live
/// state after <see cref="AfterLap"/>. <see cref="Unavailable"/> says why there is no recommendation when
/// there is none (race not started, finished, no legal plan left).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StrategyPlanView
{
    [Id(0)]
    public required CarKey Car { get; init; }

    /// <summary>Laps the leader had completed in the state simulated.</summary>
    [Id(1)]
    public required int AfterLap { get; init; }

    [Id(2)]
    public required int TotalLaps { get; init; }

    [Id(3)]
    public required TrackStatus TrackStatus { get; init; }

    [Id(4)]
    public required PlanReason Reason { get; init; }

    [Id(5)]
    public required DateTimeOffset ComputedAt { get; init; }

    /// <summary>Wall time of the simulations behind this plan.</summary>
    [Id(6)]
    public required double ElapsedMilliseconds { get; init; }

    [Id(7)]
    public int RunsPerCandidate { get; init; }

    [Id(8)]
    public int CandidatesEvaluated { get; init; }

    /// <summary>Share of simulated races in which a candidate with the recommended next stop (or no stop) was best.</summary>
    [Id(9)]
    public double Confidence { get; init; }

    /// <summary>The recommended next stop; null when the best plan is to stay out to the flag.</summary>
    [Id(10)]
    public PitWindowView? NextStop { get; init; }

    /// <summary>The best candidates, best first (expected position, then regret).</summary>
    [Id(11)]
    public IReadOnlyList<CandidateView> Candidates { get; init; } = [];

    [Id(12)]
    public UndercutView? VersusCarAhead { get; init; }

    [Id(13)]
    public UndercutView? VersusCarBehind { get; init; }

    /// <summary>Set while a safety car or VSC is out.</summary>
    [Id(14)]
    public NeutralisationView? Neutralisation { get; init; }

    /// <summary>Which circuit model the simulations used.</summary>
    [Id(15)]
    public required string CircuitModel { get; init; }

    [Id(16)]
    public string? Unavailable { get; init; }

    /// <summary>Seed of the simulations: the same state and seed give the same plan.</summary>
    [Id(17)]
    public ulong Seed { get; init; }

    /// <summary>
    /// True on the quick plan sent when a neutralisation starts: its <see cref="Neutralisation"/> answer is new,
    /// its candidates are the previous search's until the full search for this state follows.
    /// </summary>
    [Id(18)]
    public bool SearchPending { get; init; }

    /// <summary>Plans this planner abandoned so far because a newer state arrived before they finished.</summary>
    [Id(19)]
    public long Superseded { get; init; }

    /// <summary>Per dry compound, the wear the simulations used and the live stints behind it (empty without a search).</summary>
    [Id(20)]
    public IReadOnlyList<CompoundWearView> Wear { get; init; } = [];

    public CandidateView? Recommended => Candidates.Count > 0 ? Candidates[0] : null;
}

/// <summary>What-if: the user's own candidate strategies for a car, from the live state.</summary>
[GenerateSerializer, Immutable]
public sealed record StrategyComparisonRequest
{
    [Id(0)]
    public required IReadOnlyList<IReadOnlyList<PlannedStopView>> Candidates { get; init; }

    [Id(1)]
    public int Runs { get; init; } = 2_000;

    [Id(2)]
    public ulong Seed { get; init; } = 1;

    /// <summary>What is wrong with the request whatever the race is doing: how many candidates and runs it asks for (empty when nothing).</summary>
    public IReadOnlyList<string> Validate(int maxCandidates, int maxRuns)
    {
        var errors = new List<string>();
        if (Candidates.Count is 0 || Candidates.Count > maxCandidates)
        {
            errors.Add($"give 1 to {maxCandidates} candidate strategies (got {Candidates.Count}).");
        }

        if (Runs < 1 || Runs > maxRuns)
        {
            errors.Add($"runs must be 1 to {maxRuns} (got {Runs}).");
        }

        return errors;
    }
}

/// <summary>The candidates of a <see cref="StrategyComparisonRequest"/>, in the order given; or why they could not be compared.</summary>
[GenerateSerializer, Immutable]
public sealed record StrategyComparison
{
    [Id(0)]
    public required CarKey Car { get; init; }

    /// <summary>What is wrong with the request against the live state (empty when nothing).</summary>
    [Id(1)]
    public IReadOnlyList<string> Errors { get; init; } = [];

    [Id(2)]
    public int AfterLap { get; init; }

    [Id(3)]
    public int TotalLaps { get; init; }

    [Id(4)]
    public int Runs { get; init; }

    [Id(5)]
    public ulong Seed { get; init; }

    [Id(6)]
    public IReadOnlyList<CandidateView> Candidates { get; init; } = [];

    /// <summary>Why the live race cannot be simulated now (not started, over, red flag), when it cannot.</summary>
    [Id(7)]
    public string? Unavailable { get; init; }
}
