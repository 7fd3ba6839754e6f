using StratX.Domain.Events;

namespace StratX.Models.Hazard;

/// <summary>
/// The live safety-car hazard: the trained model and its circuit priors, loaded from a model folder
/// (model.zip + circuit-priors.json). Scoring is a pure function of the race so far.
/// </summary>
public sealed class SafetyCarHazard(HazardModel model, HazardPriors priors)
{
    public HazardModel Model { get; } = model;

    public HazardPriors Priors { get; } = priors;

    public static SafetyCarHazard Load(string folder) =>
        new(HazardModel.Load(Path.Combine(folder, ModelFiles.ModelFile)), HazardPriors.Load(Path.Combine(folder, HazardPriors.FileName)));

    /// <summary>P(SC/VSC during the next lap) and P(at least one more before the flag), after leader lap <paramref name="lapCompleted"/>.</summary>
    public HazardForecast Score(string? circuit, int lapCompleted, int totalLaps, IReadOnlyList<LapCompleted> lapsSoFar) =>
        Model.Score(HazardFeatures.Compute(circuit, lapCompleted, totalLaps, lapsSoFar, Priors));
}
