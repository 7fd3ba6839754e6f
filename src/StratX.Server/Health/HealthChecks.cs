using Confluent.Kafka;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StratX.Grains;
using StratX.Grains.Hosting;
using StratX.Grains.Rollout;
using StratX.Models.Scoring;
using StratX.Streaming.Kafka;

namespace StratX.Server.Health;

/// <summary>
/// /health/live: the process answers (no dependency is asked, so a slow database never restarts a node).
/// /health/ready: the node can serve: its silo is in the cluster, and in cluster mode PostgreSQL and Kafka
/// answer; the model registry says which tasks run on a rule (degraded, still ready). /health: every check.
/// </summary>
public static class StratXHealth
{
    public const string Ready = "ready";

    public static void AddStratXHealthChecks(this IServiceCollection services, IConfiguration config)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<SiloHealthCheck>("silo", tags: [Ready])
            .AddCheck<ModelRegistryHealthCheck>("models", tags: [Ready]);
        if (ClusterHosting.Mode(config) == StratXMode.Cluster)
        {
            // AspNetCore.HealthChecks.NpgSql opens a connection and runs SELECT 1.
            checks.AddNpgSql(ClusterHosting.ConnectionString(config), name: "postgresql", tags: [Ready], timeout: TimeSpan.FromSeconds(3));
            services.AddSingleton<KafkaHealthCheck>();
            checks.AddCheck<KafkaHealthCheck>("kafka", tags: [Ready], timeout: TimeSpan.FromSeconds(5));
        }
    }

    public static void MapStratXHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync });
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteAsync });
    }

    private static Task WriteAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        });
}

/// <summary>Healthy when the silo answers a grain call; says how many silos are active in the cluster.</summary>
internal sealed class SiloHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy($"{hosts.Count} active silo(s)");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The silo does not answer.", e);
        }
    }
}

/// <summary>Degraded when a task has no model in use on this node (its predictions come from a rule) or does not follow the cluster's rollout.</summary>
internal sealed class ModelRegistryHealthCheck(ModelRegistry registry, ModelRolloutFollower follower) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var tasks = registry.Status();
        var onRules = tasks.Where(t => t.ActiveVersion is null).Select(t => t.Task).ToList();
        var notFollowing = follower.Problems.Keys.Order(StringComparer.Ordinal).ToList();
        var inUse = string.Join(", ", tasks.Where(t => t.ActiveVersion is not null).Select(t => $"{t.Task} v{t.ActiveVersion}"));
        if (onRules.Count == 0 && notFollowing.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy(inUse));
        }

        var problems = onRules.Select(t => $"{t} runs on its rule").Concat(notFollowing.Select(t => $"{t} does not follow the cluster's rollout"));
        return Task.FromResult(HealthCheckResult.Degraded($"{string.Join("; ", problems)} (see GET /api/v1/models). In use: {(inUse.Length == 0 ? "none" : inUse)}"));
    }
}

/// <summary>Healthy when the race-event topic's metadata comes back from the brokers (cluster mode).</summary>
public sealed class KafkaHealthCheck(IOptionsMonitor<KafkaStreamOptions> options, ILogger<KafkaHealthCheck> logger) : IHealthCheck, IDisposable
{
    private readonly Lazy<IAdminClient> _admin = new(() => KafkaClients.CreateAdminClient(options.Get(OrleansNames.EventStreams), OrleansNames.EventStreams, logger));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var topic = options.Get(OrleansNames.EventStreams).Topic;
        try
        {
            // librdkafka's metadata call blocks: off the request thread, bounded below the check's timeout.
            var metadata = await Task.Run(() => _admin.Value.GetMetadata(topic, TimeSpan.FromSeconds(3)), cancellationToken);
            var found = metadata.Topics.SingleOrDefault(t => t.Topic == topic);
            if (found is null || found.Error.IsError)
            {
                return HealthCheckResult.Unhealthy($"{metadata.Brokers.Count} broker(s), but topic {topic}: {found?.Error.Reason ?? "not found"}");
            }

            return HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s); topic {topic} with {found.Partitions.Count} partition(s)");
        }
        catch (KafkaException e)
        {
            return HealthCheckResult.Unhealthy($"Kafka does not answer: {e.Error.Reason}");
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated)
        {
            _admin.Value.Dispose();
        }
    }
}
