namespace StratX.Grains.Hosting;

/// <summary>How much simulation a strategy plan gets.</summary>
public sealed class StrategyOptions
{
    public const string Section = "StratX:Strategy";

    /// <summary>Simulated races per candidate strategy (the search runs them all with common random numbers).</summary>
    public int RunsPerCandidate { get; set; } = 500;

    /// <summary>Candidate strategies per search (0–3 more stops × stop laps × compounds, spaced to fit).</summary>
    public int MaxCandidates { get; set; } = 60;

    /// <summary>Simulated races per choice in the undercut and safety-car questions.</summary>
    public int QuestionRuns { get; set; } = 1_000;

    /// <summary>Candidates a plan shows, best first.</summary>
    public int CandidatesShown { get; set; } = 12;

    /// <summary>
    /// Plans a car's new laps may cancel in a row before one is left to finish: when laps come faster than a plan
    /// takes (a fast replay, a node short of CPU), the running plan is then published and the newest lap's plan
    /// runs after it, instead of every plan being dropped for the next. A track-status change always cancels.
    /// </summary>
    public int MaxSupersededInARow { get; set; } = 2;

    /// <summary>Most simulations a silo runs at once; more wait their turn.</summary>
    public int MaxConcurrentSimulations { get; set; } = 1;

    /// <summary>
    /// Threads one simulation may use on a silo. The default leaves one core to the live pipeline (laps applied,
    /// scored and pushed), so that a team's what-ifs and simulations cannot hold up another team's live race;
    /// 0 lets a simulation use every core.
    /// </summary>
    public int SimulationThreads { get; set; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Most simulated races a what-if comparison may ask for per candidate.</summary>
    public int MaxComparisonRuns { get; set; } = 20_000;

    /// <summary>Most candidates a what-if comparison may hold.</summary>
    public int MaxComparisonCandidates { get; set; } = 20;

    /// <summary>
    /// Whether plans learn today's tyre wear: each dry compound's historical wear rate is updated from the stints
    /// run so far in the race (<see cref="Simulation.LiveWear"/>; docs/MODELS.md, "Live wear update").
    /// </summary>
    public bool LiveWear { get; set; } = true;

    /// <summary>Prior weight of the historical wear rate against this race's stints, in stints.</summary>
    public double LiveWearPriorStints { get; set; } = Simulation.LiveWear.DefaultPriorStints;
}
