using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StratX.Models.Scoring;

namespace StratX.Grains.Hosting;

/// <summary>Where the trained models are (StratX:Models).</summary>
public sealed partial class ModelOptions
{
    public const string Section = "StratX:Models";

    /// <summary>The model folder (models/&lt;task&gt;/v&lt;N&gt;); default: the models shipped beside the server.</summary>
    public string? Path { get; set; }

    /// <summary>How often a silo asks for the cluster's model rollout: the longest a rollout made on another node takes to reach this one.</summary>
    public TimeSpan RolloutPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public string Root => Path is { Length: > 0 } configured ? System.IO.Path.GetFullPath(configured) : System.IO.Path.Combine(AppContext.BaseDirectory, "models");

    internal static ModelRegistry CreateRegistry(ModelOptions options, TimeProvider time, ILogger<ModelRegistry> logger)
    {
        var registry = new ModelRegistry(options.Root, LivePredictor.Loaders, time);
        registry.Changed += (task, loaded) => LogActive(logger, task, loaded?.Version);
        registry.LoadLatest();
        foreach (var task in registry.Status().Where(t => t.Problem is not null))
        {
            LogRuleOnly(logger, task.Task, task.Problem!);
        }

        return registry;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Task}: version {Version} active")]
    private static partial void LogActive(ILogger logger, string task, int? version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Task}: {Problem}; its predictions come from a rule until a version loads")]
    private static partial void LogRuleOnly(ILogger logger, string task, string problem);
}

/// <summary>Loads the models when the server starts, so the first lap scored does not wait for files.</summary>
internal sealed class ModelLoading(ModelRegistry registry) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The registry is created (and loads) when this service is constructed, at host start.</summary>
    public ModelRegistry Registry => registry;
}
