namespace StratX.Models.Scoring;

/// <summary>A model version loaded and ready to score.</summary>
public sealed record LoadedModel(string Task, int Version, object Model, ModelMetadata Metadata, DateTimeOffset ActiveSince);

/// <summary>What the registry knows about one task: the versions on disk, the one in use, the last problem.</summary>
public sealed record ModelTaskStatus(string Task, int? ActiveVersion, IReadOnlyList<int> Versions, IReadOnlyList<int> History, string? Problem, DateTimeOffset? ActiveSince);

/// <summary>A version that is not there or does not load; the active version is left as it was.</summary>
public sealed class ModelVersionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The models a server scores with: for each task, the versions found under the model folder
/// (models/&lt;task&gt;/v&lt;N&gt;) and the one in use. At start each task uses the version its
/// models/&lt;task&gt;/active file names, else its newest, falling back to the newest that loads;
/// a version can then be rolled out or the previous one rolled back while the server runs: the new version is
/// loaded and checked completely before it replaces the old one in a single reference swap, so a scoring call
/// sees either the old or the new model, never a half-loaded one, and a version that fails to load changes
/// nothing. A task whose model is missing or unreadable has no active model; its callers fall back to a rule.
/// </summary>
public sealed class ModelRegistry
{
    private readonly string _root;
    private readonly Dictionary<string, Func<string, object>> _loaders;
    private readonly Dictionary<string, Slot> _slots = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    /// <param name="root">The model folder.</param>
    /// <param name="loaders">Per task, how to load a version folder into a scorable model (throws <see cref="InvalidDataException"/> when it cannot).</param>
    public ModelRegistry(string root, IReadOnlyDictionary<string, Func<string, object>> loaders, TimeProvider? time = null)
    {
        _root = root;
        _loaders = new Dictionary<string, Func<string, object>>(loaders);
        _time = time ?? TimeProvider.System;
        foreach (var task in _loaders.Keys)
        {
            _slots[task] = new Slot();
        }
    }

    public string Root => _root;

    /// <summary>Raised after a task's active version changed (rollout, rollback, first load).</summary>
    public event Action<string, LoadedModel?>? Changed;

    /// <summary>The file in a task's folder that names the version to start with (a number), when not the newest.</summary>
    public const string StartFile = "active";

    /// <summary>
    /// Loads every task's start version: the one its <see cref="StartFile"/> names, else the newest; if that
    /// does not load, the newest that does (and says why). Tasks with none are left without a model.
    /// </summary>
    public void LoadLatest()
    {
        foreach (var task in _loaders.Keys)
        {
            var versions = Versions(task);
            var failures = new List<string>();
            int? loaded = null;
            var start = StartVersion(task, failures);
            var order = versions.OrderDescending().ToList();
            if (start is { } pinned)
            {
                order.Remove(pinned);
                order.Insert(0, pinned);
            }

            foreach (var version in order)
            {
                try
                {
                    Activate(task, version, remember: false);
                    loaded = version;
                    break;
                }
                catch (ModelVersionException e)
                {
                    failures.Add(e.Message);
                }
            }

            var problem = versions.Count == 0 ? $"no {task} model under {_root}"
                : failures.Count == 0 ? null
                : string.Join("; ", failures) + (loaded is { } v ? $"; using v{v}" : "");
            lock (_gate)
            {
                _slots[task].Problem = problem;
            }
        }
    }

    private int? StartVersion(string task, List<string> failures)
    {
        var path = Path.Combine(_root, task, StartFile);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        if (int.TryParse(text.TrimStart('v'), out var version) && version > 0)
        {
            return version;
        }

        failures.Add($"{path} should hold a version number, not '{text}'");
        return null;
    }

    /// <summary>The model in use for a task, or null (then the caller uses its rule).</summary>
    public LoadedModel? Current(string task) => _slots.TryGetValue(task, out var slot) ? Volatile.Read(ref slot.Active) : null;

    /// <summary>Makes <paramref name="version"/> (or the newest on disk) the active version of a task.</summary>
    /// <exception cref="ModelVersionException">The task is unknown or the version is missing or does not load.</exception>
    public LoadedModel Rollout(string task, int? version = null)
    {
        var chosen = version ?? (Versions(task) is { Count: > 0 } all ? all.Max() : throw new ModelVersionException($"There is no {task} model under {_root}."));
        return Activate(task, chosen, remember: true);
    }

    /// <summary>Goes back to the version that was active before the current one.</summary>
    /// <exception cref="ModelVersionException">There is no earlier version to go back to, or it no longer loads.</exception>
    public LoadedModel Rollback(string task)
    {
        var slot = SlotOf(task);
        int previous;
        lock (_gate)
        {
            if (slot.History.Count == 0)
            {
                throw new ModelVersionException($"{task} has no earlier version to roll back to.");
            }

            previous = slot.History[^1];
        }

        var loaded = Activate(task, previous, remember: false);
        lock (_gate)
        {
            slot.History.RemoveAt(slot.History.Count - 1);
        }

        return loaded;
    }

    public IReadOnlyList<ModelTaskStatus> Status()
    {
        lock (_gate)
        {
            return [.. _slots.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new ModelTaskStatus(
                s.Key, s.Value.Active?.Version, Versions(s.Key), [.. s.Value.History], s.Value.Problem, s.Value.Active?.ActiveSince))];
        }
    }

    public bool Knows(string task) => _loaders.ContainsKey(task);

    /// <summary>The version numbers on disk for a task (folders v1, v2, … that hold a model and its metadata).</summary>
    public IReadOnlyList<int> Versions(string task)
    {
        var folder = Path.Combine(_root, task);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return [.. Directory.GetDirectories(folder)
            .Select(Path.GetFileName)
            .Select(n => n is ['v', .. var digits] && int.TryParse(digits, out var v) ? v : 0)
            .Where(v => v > 0 && File.Exists(Path.Combine(folder, $"v{v}", ModelFiles.MetadataFile)))
            .Order()];
    }

    private LoadedModel Activate(string task, int version, bool remember)
    {
        var slot = SlotOf(task);
        var folder = Path.Combine(_root, task, $"v{version}");
        if (!Directory.Exists(folder))
        {
            throw new ModelVersionException($"There is no version {version} of {task} under {_root}.");
        }

        LoadedModel loaded;
        try
        {
            var metadata = ModelFiles.ReadMetadata(folder);
            if (metadata.Task != task || metadata.Version != version)
            {
                throw new InvalidDataException($"{folder} holds {metadata.Task} v{metadata.Version}, not {task} v{version}.");
            }

            loaded = new LoadedModel(task, version, _loaders[task](folder), metadata, _time.GetUtcNow());
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            lock (_gate)
            {
                slot.Problem = $"{task} v{version} does not load: {e.Message}";
            }

            throw new ModelVersionException($"{task} v{version} does not load: {e.Message}", e);
        }

        lock (_gate)
        {
            if (remember && slot.Active is { } current && current.Version != version)
            {
                slot.History.Add(current.Version);
            }

            Volatile.Write(ref slot.Active, loaded);
            slot.Problem = null;
        }

        Changed?.Invoke(task, loaded);
        return loaded;
    }

    private Slot SlotOf(string task) =>
        _slots.TryGetValue(task, out var slot) ? slot : throw new ModelVersionException($"There is no model task {task}; known: {string.Join(", ", _loaders.Keys.Order())}.");

    private sealed class Slot
    {
        public LoadedModel? Active;
        public readonly List<int> History = [];
        public string? Problem;
    }
}
