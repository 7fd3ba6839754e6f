using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;
using StratX.Domain.Predictions;
using StratX.Grains;
using StratX.Grains.Rollout;
using StratX.Models.Scoring;
using StratX.Server.Observability;
using StratX.Server.Security;

namespace StratX.Server.Api;

/// <summary>A car's latest model predictions, and the models in use: list, roll out, roll back.</summary>
public static partial class PredictionsApi
{
    private const string LogCategory = "StratX.Server.Api.Models";

    public static void MapPredictionsApi(this RouteGroupBuilder sessions)
    {
        sessions.MapGet("/{sessionId}/cars/{car}/predictions", GetPredictions)
            .WithSummary("What the models say after the car's latest lap: next lap time, pit at the end of the next lap, overtaking the car ahead within 1–3 laps, tyre degradation and cliff alert, lap anomaly, pit-stop loss, safety-car hazard. Each part says which model version (or, flagged, which rule) produced it.");
    }

    public static void MapModelsApi(this IEndpointRouteBuilder app)
    {
        // The models are the platform's, trained on public race data and the same for every tenant: tenants see
        // which versions score their cars; only the operator changes them, since a change reaches every tenant.
        var models = app.MapGroup("/api/v1/models").WithTags("Models");
        models.MapGet("/", async (ModelRegistry registry, ModelRolloutFollower follower, IGrainFactory grains) => TypedResults.Ok(Describe(registry, follower, await Cluster(grains).Get())))
            .RequireAuthorization(TeamPolicies.ViewerOrOperator)
            .WithSummary("Every model task: the versions on disk, the one in use on this node and the one rolled out to the cluster, what it was trained on and measured at, and why a task runs on its rule.");
        models.MapPost("/{task}/rollout", Rollout)
            .RequireAuthorization(OperatorAccess.Policy)
            .WithSummary("Make a version (body {\"version\": N}; none: the newest on disk) the one in use on every node, without a restart. The version is loaded and checked on this node first; if it does not load nothing changes. The other nodes follow within StratX:Models:RolloutPollInterval.");
        models.MapPost("/{task}/rollback", Rollback)
            .RequireAuthorization(OperatorAccess.Policy)
            .WithSummary("Go back, on every node, to the version in use before the last rollout.");
    }

    private static async Task<Results<Ok<CarPredictions>, ProblemHttpResult>> GetPredictions(string sessionId, string car, HttpContext http, ITenantAccessor tenants, IGrainFactory grains)
    {
        var (found, problem) = await SessionsApi.FindCar(sessionId, car, http, tenants, grains);
        if (found is not { } key)
        {
            return problem!;
        }

        var field = await grains.GetGrain<ISessionGrain>(key.Session.ToString()).GetPredictions(key.Car);
        var own = await grains.GetGrain<ICarGrain>(key.ToString()).GetPredictions();
        return (field is null ? own : field.Merge(own)) is { } predictions
            ? TypedResults.Ok(predictions)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No predictions yet", detail: $"Car {car} has not completed a lap yet; it is scored after every lap.");
    }

    private static async Task<Results<Ok<ModelTaskView>, ProblemHttpResult>> Rollout(string task, HttpContext http, ModelRegistry registry, ModelRolloutFollower follower, IGrainFactory grains, ILoggerFactory logs)
    {
        int? version = null;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.ContentType.Count > 0)
        {
            RolloutRequest? request;
            try
            {
                request = await http.Request.ReadFromJsonAsync<RolloutRequest>(http.RequestAborted);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid rollout", detail: $"The body is not {{\"version\": N}}: {e.Message}");
            }

            if (!TryValidateRollout(request, out version, out var problem))
            {
                return problem;
            }
        }

        if (Unknown(task, registry) is { } unknown)
        {
            return unknown;
        }

        // Loaded and checked here first: a version that does not load is refused before any node changes.
        var replacing = registry.Current(task)?.Version;
        if (Load(task, registry, r => r.Rollout(task, version)) is { } failed)
        {
            return failed;
        }

        var rollout = await Cluster(grains).Roll(task, registry.Current(task)!.Version, replacing);
        LogRolledOut(logs.CreateLogger(LogCategory), task, registry.Current(task)!.Version, replacing);
        return TypedResults.Ok(Describe(registry, follower, rollout).Single(t => t.Task == task));
    }

    /// <summary>
    /// The rollout body's check, before the task or the registry is asked: a version, when given, is a positive
    /// number; none (or a <c>null</c> body) means the newest on disk. Whether that version exists is the registry's
    /// answer (409), not this check's.
    /// </summary>
    public static bool TryValidateRollout(RolloutRequest? request, out int? version, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        version = request?.Version;
        if (version is <= 0)
        {
            version = null;
            problem = TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid rollout", detail: "version: a positive version number, or leave it out for the newest.");
            return false;
        }

        problem = null;
        return true;
    }

    private static async Task<Results<Ok<ModelTaskView>, ProblemHttpResult>> Rollback(string task, ModelRegistry registry, ModelRolloutFollower follower, IGrainFactory grains, ILoggerFactory logs)
    {
        if (Unknown(task, registry) is { } unknown)
        {
            return unknown;
        }

        var cluster = Cluster(grains);
        var history = (await cluster.Get()).History.GetValueOrDefault(task);
        if (history is not [.., var previous])
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Model version not changed", detail: $"{task} has no earlier version to roll back to.");
        }

        if (Load(task, registry, r => r.Rollout(task, previous)) is { } failed)
        {
            return failed;
        }

        var rollout = await cluster.RollBack(task) ?? await cluster.Get();
        LogRolledBack(logs.CreateLogger(LogCategory), task, previous);
        return TypedResults.Ok(Describe(registry, follower, rollout).Single(t => t.Task == task));
    }

    private static IModelRolloutGrain Cluster(IGrainFactory grains) => grains.GetGrain<IModelRolloutGrain>(IModelRolloutGrain.Key);

    private static ProblemHttpResult? Unknown(string task, ModelRegistry registry) => registry.Knows(task) ? null
        : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model task", detail: $"There is no model task '{task}'; GET /api/v1/models lists them.");

    private static ProblemHttpResult? Load(string task, ModelRegistry registry, Action<ModelRegistry> change)
    {
        try
        {
            change(registry);
            return null;
        }
        catch (ModelVersionException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Model version not changed", detail: e.Message);
        }
    }

    private static IReadOnlyList<ModelTaskView> Describe(ModelRegistry registry, ModelRolloutFollower follower, ModelRollout cluster) =>
        [.. registry.Status().Select(s =>
        {
            var active = registry.Current(s.Task);
            return new ModelTaskView(
                s.Task,
                s.ActiveVersion,
                cluster.Versions.TryGetValue(s.Task, out var rolled) ? rolled : null,
                s.Versions,
                cluster.History.TryGetValue(s.Task, out var history) ? history : s.History,
                s.ActiveSince,
                follower.Problems.GetValueOrDefault(s.Task) ?? s.Problem,
                active?.Metadata.Trainer,
                active?.Metadata.Seasons,
                active?.Metadata.Metrics);
        })];

    public sealed record RolloutRequest(int? Version);

    /// <summary>A model task as this node runs it; <paramref name="ClusterVersion"/> is the version rolled out to every node (null: none rolled out, each node started on its newest).</summary>
    public sealed record ModelTaskView(
        string Task,
        int? ActiveVersion,
        int? ClusterVersion,
        IReadOnlyList<int> Versions,
        IReadOnlyList<int> RollbackTo,
        DateTimeOffset? ActiveSince,
        string? Problem,
        string? Trainer,
        IReadOnlyList<int>? TrainedOnSeasons,
        IReadOnlyDictionary<string, double>? Metrics);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model task {Task} rolled out to v{Version} on every node (it ran v{Replaced})")]
    private static partial void LogRolledOut(ILogger logger, string task, int version, int? replaced);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model task {Task} rolled back to v{Version} on every node")]
    private static partial void LogRolledBack(ILogger logger, string task, int version);
}
