using StratX.Grains.Views;

namespace StratX.Grains.Stints;

[GenerateSerializer]
public sealed class StintState
{
    [Id(0)]
    public StintSummary? Summary { get; set; }

    [Id(1)]
    public List<StintLap> Laps { get; set; } = [];

    [Id(2)]
    public double? AveragePace { get; set; }

    [Id(3)]
    public Domain.Tyres.StintDegradation? Degradation { get; set; }
}
