using StratX.Domain.Identity;

namespace StratX.Grains.Ingestion;

/// <summary>
/// How far the grains have applied a replay: the last sequence number applied on each of the session's
/// streams. A replay resumed from here republishes nothing the grains do not already hold, except what they
/// applied after it was taken (which they skip by sequence number).
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
