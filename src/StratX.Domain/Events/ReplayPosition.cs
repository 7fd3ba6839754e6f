using Orleans;
using StratX.Domain.Identity;

namespace StratX.Domain.Events;

/// <summary>
/// A position in a session's streams: the last sequence number on each (race control, and per car timing
/// and telemetry). A replay resumed after it skips everything up to it; one taken from what the grains
/// applied republishes only what they applied after it was taken, which they skip by sequence number.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ReplayPosition
{
    [Id(0)]
    public long RaceControl { get; init; }

    [Id(1)]
    public IReadOnlyDictionary<CarId, long> Timing { get; init; } = new Dictionary<CarId, long>();

    [Id(2)]
    public IReadOnlyDictionary<CarId, long> Telemetry { get; init; } = new Dictionary<CarId, long>();

    /// <summary>Nothing applied yet.</summary>
    public bool IsStart => RaceControl == 0 && Timing.Count == 0 && Telemetry.Count == 0;

    /// <summary>The further of two positions on every stream.</summary>
    public ReplayPosition Max(ReplayPosition? other) => other is null ? this : new ReplayPosition
    {
        RaceControl = Math.Max(RaceControl, other.RaceControl),
        Timing = Merge(Timing, other.Timing),
        Telemetry = Merge(Telemetry, other.Telemetry),
    };

    private static Dictionary<CarId, long> Merge(IReadOnlyDictionary<CarId, long> a, IReadOnlyDictionary<CarId, long> b)
    {
        var merged = new Dictionary<CarId, long>(a);
        foreach (var (car, sequence) in b)
        {
            merged[car] = Math.Max(sequence, merged.GetValueOrDefault(car));
        }

        return merged;
    }
}
