using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StratX.Grains.Hosting;
using StratX.Models.Scoring;

namespace StratX.Grains.Rollout;

/// <summary>
/// Keeps this silo's <see cref="ModelRegistry"/> on the versions the cluster rolled out: asks the
/// <see cref="IModelRolloutGrain"/> at start and every <see cref="ModelOptions.RolloutPollInterval"/>, and loads
/// what changed. A version that does not load here leaves this silo's model as it was; the registry reports
/// the problem and the next revision is tried again.
/// </summary>
public sealed partial class ModelRolloutFollower(
    IGrainFactory grains,
    ModelRegistry registry,
    IOptions<ModelOptions> options,
    ILogger<ModelRolloutFollower> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, string> _problems = new();
    private long _applied;

    /// <summary>The rollout revision this silo has applied (0: none yet).</summary>
    public long AppliedRevision => Interlocked.Read(ref _applied);

    /// <summary>Per task, why this silo does not run the version the cluster rolled out (none when it does).</summary>
    public IReadOnlyDictionary<string, string> Problems => _problems;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RolloutPollInterval);
        do
        {
            try
            {
                await FollowAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The silo may still be joining, or the grain's silo just died: the next tick asks again.
                LogNotReached(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Applies the cluster's current rollout to this silo if it changed since the last time.</summary>
    public async Task FollowAsync()
    {
        var rollout = await grains.GetGrain<IModelRolloutGrain>(IModelRolloutGrain.Key).Get();
        if (rollout.Revision == AppliedRevision)
        {
            return;
        }

        foreach (var (task, version) in rollout.Versions)
        {
            if (!registry.Knows(task) || registry.Current(task)?.Version == version)
            {
                _problems.TryRemove(task, out _);
                continue;
            }

            try
            {
                registry.Rollout(task, version);
                _problems.TryRemove(task, out _);
                LogFollowed(logger, task, version, rollout.Revision);
            }
            catch (ModelVersionException e)
            {
                _problems[task] = $"the cluster rolled out v{version}, which does not load here: {e.Message}";
                LogNotLoaded(logger, task, version, e.Message);
            }
        }

        Interlocked.Exchange(ref _applied, rollout.Revision);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Task}: following the cluster's rollout to version {Version} (revision {Revision})")]
    private static partial void LogFollowed(ILogger logger, string task, int version, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Task}: the cluster rolled out version {Version}, which does not load on this silo: {Problem}")]
    private static partial void LogNotLoaded(ILogger logger, string task, int version, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Model rollout not read yet: {Problem}")]
    private static partial void LogNotReached(ILogger logger, string problem);
}
