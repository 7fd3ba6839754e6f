using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StratX.Domain.Racing;
using StratX.Grains;
using StratX.Grains.Planning;
using StratX.Server.Security;

namespace StratX.Server.Api;

/// <summary>A car's live strategy plan and what-if comparisons of the user's own strategies.</summary>
public static class StrategyApi
{
    /// <summary>Below Orleans' 30 s response timeout, so a long wait ends in 202 rather than a timeout.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    public static void MapStrategyApi(this RouteGroupBuilder sessions)
    {
        sessions.MapGet("/{sessionId}/cars/{car}/strategy", GetStrategy)
            .WithSummary("The car's latest strategy plan: recommended pit window and compound with a confidence, candidate strategies with finishing-position distributions, undercut against the cars ahead and behind, safety-car reaction. The first request starts planning the car; it waits up to `wait` seconds (default 10, at most 20) for the first plan, else answers 202.");
        sessions.MapPost("/{sessionId}/cars/{car}/strategy/compare", Compare)
            .RequireAuthorization(TeamPolicies.Strategist)
            .Accepts<CompareRequest>("application/json")
            .Produces<StrategyComparison>()
            .ProducesValidationProblem()
            .WithSummary("What-if: simulate your own candidate strategies for the car from the live state, with common random numbers.");
    }

    private static async Task<Results<Ok<StrategyPlanView>, Accepted<PlanPending>, ProblemHttpResult>> GetStrategy(
        string sessionId,
        string car,
        HttpContext http,
        ITenantAccessor tenants,
        IGrainFactory grains,
        double? wait = null)
    {
        var (found, problem) = await SessionsApi.FindCar(sessionId, car, http, tenants, grains);
        if (found is not { } key)
        {
            return problem!;
        }

        var waitFor = TimeSpan.FromSeconds(Math.Clamp(wait ?? 10, 0, MaxWait.TotalSeconds));
        var plan = await grains.GetGrain<IStrategyPlannerGrain>(key.ToString()).GetPlan(waitFor);
        return plan is null
            ? TypedResults.Accepted(http.Request.Path, new PlanPending($"The first plan for car {car} is still being computed; ask again, or follow the session's 'strategy' updates."))
            : TypedResults.Ok(plan);
    }

    private static async Task<Results<Ok<StrategyComparison>, ValidationProblem, ProblemHttpResult>> Compare(
        string sessionId,
        string car,
        HttpContext http,
        ITenantAccessor tenants,
        IGrainFactory grains,
        TenantQuotaGuard quotas,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        var (found, problem) = await SessionsApi.FindCar(sessionId, car, http, tenants, grains);
        if (found is not { } key)
        {
            return problem!;
        }

        CompareRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<CompareRequest>(json.Value.SerializerOptions, http.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Invalid($"The body is not a comparison request: {e.Message}");
        }

        if (!TryValidateCompare(request, out var comparisonRequest, out var invalid))
        {
            return invalid;
        }

        await using var slot = await quotas.TryStartSimulation(key.Session.Tenant);
        if (slot is null)
        {
            return TenantQuotaGuard.SimulationsBusy();
        }

        StrategyComparison comparison;
        try
        {
            comparison = await grains.GetGrain<IStrategyPlannerGrain>(key.ToString()).Compare(comparisonRequest);
        }
        catch (TimeoutException)
        {
            return TypedResults.Problem(detail: "The simulations did not finish in time; try again with fewer runs.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Simulation busy");
        }

        if (comparison.Unavailable is { } why)
        {
            return TypedResults.Problem(detail: why, statusCode: StatusCodes.Status409Conflict, title: "The live race cannot be simulated now");
        }

        return comparison.Errors.Count > 0
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["candidates"] = [.. comparison.Errors] }, title: "Invalid candidate strategies")
            : TypedResults.Ok(comparison);
    }

    /// <summary>
    /// The checks of a what-if body (<c>POST …/strategy/compare</c>) once read as JSON, before a simulation slot is
    /// taken: at least one candidate, and a compound on every stop. The problem is the endpoint's 400 answer; the
    /// planner then checks the numbers of candidates and runs (<see cref="StrategyComparisonRequest.Validate"/>)
    /// and each stop's lap against the live race.
    /// </summary>
    public static bool TryValidateCompare(CompareRequest? request, [NotNullWhen(true)] out StrategyComparisonRequest? comparison, [NotNullWhen(false)] out ValidationProblem? problem)
    {
        comparison = null;
        if (request?.Candidates is not { Count: > 0 } candidates)
        {
            problem = Invalid("candidates: give at least one candidate strategy (an empty stops list is 'no stop').");
            return false;
        }

        var errors = new List<string>();
        var parsed = new List<IReadOnlyList<PlannedStopView>>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            var stops = new List<PlannedStopView>();
            foreach (var stop in candidates[i]?.Stops ?? [])
            {
                if (stop?.Compound is { } name && TyreCompounds.TryParse(name, out var compound) && compound != TyreCompound.Unknown)
                {
                    stops.Add(new PlannedStopView(stop.Lap, compound));
                }
                else
                {
                    errors.Add($"candidate {i + 1}: '{stop?.Compound}' is not a compound: use SOFT, MEDIUM, HARD, INTERMEDIATE or WET.");
                }
            }

            parsed.Add(stops);
        }

        if (errors.Count > 0)
        {
            problem = TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["candidates"] = [.. errors] }, title: "Invalid candidate strategies");
            return false;
        }

        comparison = new StrategyComparisonRequest
        {
            Candidates = parsed,
            Runs = request.Runs ?? 2_000,
            Seed = request.Seed ?? 1,
        };
        problem = null;
        return true;
    }

    private static ValidationProblem Invalid(string error) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [error] }, title: "Invalid comparison request");
}

/// <summary>Candidate strategies to compare for a car from the live state.</summary>
/// <param name="Candidates">Each candidate's stops from now on, in lap order; an empty list is "no stop".</param>
/// <param name="Runs">Simulated races per candidate (default 2,000).</param>
/// <param name="Seed">The same state and seed give the same answer (default 1).</param>
public sealed record CompareRequest(IReadOnlyList<CandidateRequest?>? Candidates, int? Runs = null, ulong? Seed = null);

/// <summary>One candidate: its stops from now on.</summary>
public sealed record CandidateRequest(IReadOnlyList<StopRequest?>? Stops);

/// <summary>No plan yet: the planner has started and the first plan follows.</summary>
public sealed record PlanPending(string Detail);
