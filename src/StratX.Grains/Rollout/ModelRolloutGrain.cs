namespace StratX.Grains.Rollout;

/// <summary>The cluster's model versions (see <see cref="IModelRolloutGrain"/>).</summary>
public sealed class ModelRolloutGrain(
    [PersistentState("model-rollout", OrleansNames.RaceStateStorage)] IPersistentState<ModelRolloutState> state)
    : Grain, IModelRolloutGrain
{
    /// <summary>Rollback steps kept per task.</summary>
    private const int HistoryKept = 16;

    public ValueTask<ModelRollout> Get() => ValueTask.FromResult(Snapshot());

    public async ValueTask<ModelRollout> Roll(string task, int version, int? replacing)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        var previous = state.State.Versions.TryGetValue(task, out var rolled) ? rolled : replacing;
        if (previous is { } p && p != version)
        {
            var history = state.State.History.TryGetValue(task, out var kept) ? kept : state.State.History[task] = [];
            history.Add(p);
            if (history.Count > HistoryKept)
            {
                history.RemoveAt(0);
            }
        }

        state.State.Versions[task] = version;
        state.State.Revision++;
        await state.WriteStateAsync();
        return Snapshot();
    }

    public async ValueTask<ModelRollout?> RollBack(string task)
    {
        if (!state.State.History.TryGetValue(task, out var history) || history.Count == 0)
        {
            return null;
        }

        state.State.Versions[task] = history[^1];
        history.RemoveAt(history.Count - 1);
        state.State.Revision++;
        await state.WriteStateAsync();
        return Snapshot();
    }

    private ModelRollout Snapshot() => new()
    {
        Revision = state.State.Revision,
        Versions = new Dictionary<string, int>(state.State.Versions),
        History = state.State.History.ToDictionary(h => h.Key, h => (IReadOnlyList<int>)[.. h.Value]),
    };
}

[GenerateSerializer]
public sealed class ModelRolloutState
{
    [Id(0)]
    public long Revision { get; set; }

    [Id(1)]
    public Dictionary<string, int> Versions { get; set; } = [];

    [Id(2)]
    public Dictionary<string, List<int>> History { get; set; } = [];
}
