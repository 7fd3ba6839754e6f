using Microsoft.AspNetCore.Http.HttpResults;
using StratX.Domain.Predictions;
using StratX.Grains;
using StratX.Models.Scoring;

namespace StratX.Server.Api;

/// <summary>A car's latest model predictions, and the models in use: list, roll out, roll back.</summary>
public static class PredictionsApi
{
    public static void MapPredictionsApi(this RouteGroupBuilder sessions)
    {
        sessions.MapGet("/{sessionId}/cars/{car}/predictions", GetPredictions)
            .WithSummary("What the models say after the car's latest lap: next lap time, pit at the end of the next lap, overtaking the car ahead within 1–3 laps, tyre degradation and cliff alert, lap anomaly, pit-stop loss, safety-car hazard. Each part says which model version (or, flagged, which rule) produced it.");
    }

    public static void MapModelsApi(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/v1/models").WithTags("Models");
        models.MapGet("/", (ModelRegistry registry) => TypedResults.Ok(Describe(registry)))
            .WithSummary("Every model task: the versions on disk, the one in use on this node, what it was trained on and measured at, and why a task runs on its rule.");
        models.MapPost("/{task}/rollout", Rollout)
            .WithSummary("Make a version (body {\"version\": N}; none: the newest on disk) the one in use, without a restart. The version is loaded and checked before it replaces the current one; if it does not load nothing changes.");
        models.MapPost("/{task}/rollback", Rollback)
            .WithSummary("Go back to the version in use before the last rollout.");
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

    private static async Task<Results<Ok<ModelTaskView>, ProblemHttpResult>> Rollout(string task, HttpContext http, ModelRegistry registry)
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

            if (request?.Version is <= 0)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid rollout", detail: "version: a positive version number, or leave it out for the newest.");
            }

            version = request?.Version;
        }

        return Change(task, registry, r => r.Rollout(task, version));
    }

    private static Results<Ok<ModelTaskView>, ProblemHttpResult> Rollback(string task, ModelRegistry registry) =>
        Change(task, registry, r => r.Rollback(task));

    private static Results<Ok<ModelTaskView>, ProblemHttpResult> Change(string task, ModelRegistry registry, Action<ModelRegistry> change)
    {
        if (!registry.Knows(task))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model task", detail: $"There is no model task '{task}'; GET /api/v1/models lists them.");
        }

        try
        {
            change(registry);
        }
        catch (ModelVersionException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Model version not changed", detail: e.Message);
        }

        return TypedResults.Ok(Describe(registry).Single(t => t.Task == task));
    }

    private static IReadOnlyList<ModelTaskView> Describe(ModelRegistry registry) =>
        [.. registry.Status().Select(s =>
        {
            var active = registry.Current(s.Task);
            return new ModelTaskView(s.Task, s.ActiveVersion, s.Versions, s.History, s.ActiveSince, s.Problem, active?.Metadata.Trainer, active?.Metadata.Seasons, active?.Metadata.Metrics);
        })];

    public sealed record RolloutRequest(int? Version);

    /// <summary>A model task as this node runs it.</summary>
    public sealed record ModelTaskView(
        string Task,
        int? ActiveVersion,
        IReadOnlyList<int> Versions,
        IReadOnlyList<int> RollbackTo,
        DateTimeOffset? ActiveSince,
        string? Problem,
        string? Trainer,
        IReadOnlyList<int>? TrainedOnSeasons,
        IReadOnlyDictionary<string, double>? Metrics);
}
