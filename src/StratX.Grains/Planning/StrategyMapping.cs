using StratX.Domain.Identity;
using StratX.Simulation;

namespace StratX.Grains.Planning;

/// <summary>Turns the simulation library's answers into the views grains send and store.</summary>
internal static class StrategyMapping
{
    public static CandidateView ToView(this CandidateOutcome outcome) => new()
    {
        Name = outcome.Strategy.ToString(),
        Stops = [.. outcome.Strategy.Stops.Select(s => new PlannedStopView(s.Lap, s.Compound))],
        PositionProbabilities = outcome.PositionProbabilities,
        Win = outcome.Win,
        Podium = outcome.Podium,
        Points = outcome.Points,
        ExpectedPosition = outcome.ExpectedPosition,
        ExpectedRaceTime = outcome.ExpectedRaceTime,
        Regret = outcome.Regret,
        BestShare = outcome.BestShare,
    };

    public static UndercutView ToView(this UndercutAnalysis analysis) => new()
    {
        Rival = new CarId(analysis.Rival),
        ComparedAfterLap = analysis.ComparedAfterLap,
        Runs = analysis.Runs,
        AheadIfBoxNow = analysis.AheadIfBoxNow,
        AheadIfBoxNextLap = analysis.AheadIfBoxNextLap,
        AheadIfStayOut = analysis.AheadIfStayOut,
    };

    public static Strategy ToStrategy(this IReadOnlyList<PlannedStopView> stops) =>
        new([.. stops.Select(s => new PlannedStop(s.Lap, s.Compound))]);
}
