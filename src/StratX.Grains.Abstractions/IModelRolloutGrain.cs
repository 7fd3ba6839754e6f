namespace StratX.Grains;

/// <summary>
/// The model versions rolled out to the whole cluster, keyed <see cref="Key"/>. Every silo follows it (it asks
/// every few seconds and at start), so a rollout or rollback made through any node reaches every silo, and a
/// silo started later comes up on the rolled-out versions. Persisted with the race state: in cluster mode it
/// survives a restart of the whole cluster.
/// </summary>
public interface IModelRolloutGrain : IGrainWithStringKey
{
    const string Key = "models";

    ValueTask<ModelRollout> Get();

    /// <summary>Makes <paramref name="version"/> the cluster's version of a task; <paramref name="replacing"/> (the version in use until now) is what a rollback returns to.</summary>
    ValueTask<ModelRollout> Roll(string task, int version, int? replacing);

    /// <summary>Goes back to the version in use before the last rollout of a task; null when there is none.</summary>
    ValueTask<ModelRollout?> RollBack(string task);
}

/// <summary>What the cluster runs: per task the version rolled out, and the versions a rollback returns to (last first out).</summary>
[GenerateSerializer, Immutable]
public sealed record ModelRollout
{
    /// <summary>Counts the changes: a silo applies a rollout once per revision.</summary>
    [Id(0)]
    public long Revision { get; init; }

    [Id(1)]
    public IReadOnlyDictionary<string, int> Versions { get; init; } = new Dictionary<string, int>();

    [Id(2)]
    public IReadOnlyDictionary<string, IReadOnlyList<int>> History { get; init; } = new Dictionary<string, IReadOnlyList<int>>();
}
