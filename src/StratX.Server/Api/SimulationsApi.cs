using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StratX.Domain.Racing;
using StratX.Grains.Planning;
using StratX.Server.Security;
using StratX.Simulation;

namespace StratX.Server.Api;

/// <summary>Stateless race simulation: any race state in, finishing-position distributions out.</summary>
public static class SimulationsApi
{
    /// <summary>Most simulated races one request may ask for.</summary>
    public const int MaxRuns = 100_000;

    private static readonly RaceSimulator Simulator = new(CircuitModel.TypicalDry);

    public static RouteGroupBuilder MapSimulationsApi(this IEndpointRouteBuilder app)
    {
        var simulations = app.MapGroup("/api/v1/simulations").WithTags("Simulations").RequireAuthorization(TeamPolicies.Strategist);
        simulations.MapPost("/", Simulate)
            .Accepts<SimulationRequest>("application/json")
            .Produces<SimulationResponse>()
            .ProducesValidationProblem()
            .WithSummary("Simulate the rest of a race from a state you give, with the cars' planned stops; every car's finishing-position distribution.");
        return simulations;
    }

    private static async Task<Results<Ok<SimulationResponse>, ValidationProblem, ProblemHttpResult>> Simulate(
        HttpContext http,
        SimulationScheduler scheduler,
        ITenantAccessor tenants,
        TenantQuotaGuard quotas,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        SimulationRequest? request;
        try
        {
            request = await http.Request.ReadFromJsonAsync<SimulationRequest>(json.Value.SerializerOptions, http.RequestAborted);
        }
        catch (JsonException e)
        {
            return Invalid("body", $"The body is not a simulation request: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            return Invalid("body", e.Message);
        }

        if (request is null)
        {
            return Invalid("body", "The body is empty: send a race state as JSON.");
        }

        var errors = request.Validate(out var snapshot, out var strategies);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["state"] = [.. errors] }, title: "Invalid race state");
        }

        await using var slot = await quotas.TryStartSimulation(tenants.Current(http));
        if (slot is null)
        {
            return TenantQuotaGuard.SimulationsBusy();
        }

        var runs = request.Runs ?? 10_000;
        var seed = request.Seed ?? 1;
        var started = Stopwatch.GetTimestamp();
        var result = await scheduler.RunAsync(
            token => Simulator.Run(snapshot!, strategies, new SimulationOptions { Runs = runs, Seed = seed, Cancellation = token }),
            http.RequestAborted,
            interactive: true);
        return TypedResults.Ok(new SimulationResponse(runs, seed, Stopwatch.GetElapsedTime(started).TotalMilliseconds, "typical-dry", result.Cars));
    }

    private static ValidationProblem Invalid(string field, string error) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [error] }, title: "Invalid simulation request");
}

/// <summary>A race state to simulate from, the plans of the cars that will stop, and how many races to run.</summary>
/// <param name="TotalLaps">Race distance in laps.</param>
/// <param name="LapsCompleted">Laps the leader has completed.</param>
/// <param name="Cars">Every car, in running order (leader first).</param>
/// <param name="TrackStatus">"green" (default), "safetyCar" or "vsc".</param>
/// <param name="NeutralisedLapsLeft">Laps the safety car or VSC still has to run.</param>
/// <param name="Strategies">Planned stops by car id; cars without one follow the default plan (one stop at the cliff when a second dry compound is owed).</param>
/// <param name="Runs">Races to simulate (1–100,000; default 10,000).</param>
/// <param name="Seed">The same state, plans and seed give the same answer (default 1).</param>
public sealed record SimulationRequest(
    int TotalLaps,
    int LapsCompleted,
    IReadOnlyList<SimulationCar>? Cars,
    string? TrackStatus = null,
    int NeutralisedLapsLeft = 0,
    IReadOnlyDictionary<string, IReadOnlyList<StopRequest>>? Strategies = null,
    int? Runs = null,
    ulong? Seed = null)
{
    /// <summary>Every reason the request cannot be simulated; empty when it can, with the state and plans to run.</summary>
    public IReadOnlyList<string> Validate(out RaceSnapshot? snapshot, out Dictionary<string, Strategy>? strategies)
    {
        snapshot = null;
        strategies = null;
        var errors = new List<string>();
        if (Runs is < 1 or > SimulationsApi.MaxRuns)
        {
            errors.Add($"runs must be 1 to {SimulationsApi.MaxRuns} (was {Runs}).");
        }

        var status = SimTrackStatus.Green;
        switch (TrackStatus?.Trim().ToLowerInvariant())
        {
            case null or "" or "green":
                break;
            case "safetycar" or "safety_car" or "sc":
                status = SimTrackStatus.SafetyCar;
                break;
            case "vsc" or "virtualsafetycar":
                status = SimTrackStatus.Vsc;
                break;
            default:
                errors.Add($"trackStatus '{TrackStatus}' is not one of green, safetyCar, vsc.");
                break;
        }

        if (NeutralisedLapsLeft < 0)
        {
            errors.Add($"neutralisedLapsLeft must not be negative (was {NeutralisedLapsLeft}).");
        }

        if (Cars is null || Cars.Count == 0)
        {
            errors.Add("cars: give every car of the race, leader first.");
            return errors;
        }

        var cars = new List<SimCar>(Cars.Count);
        for (var i = 0; i < Cars.Count; i++)
        {
            if (Cars[i] is not { } car || string.IsNullOrWhiteSpace(car.Id))
            {
                errors.Add($"cars[{i}]: every car needs an id.");
                continue;
            }

            var compound = ParseCompound(car.Compound, $"car {car.Id}: compound", errors);
            var used = (car.CompoundsUsed ?? []).Select(c => ParseCompound(c, $"car {car.Id}: compoundsUsed", errors)).ToList();
            cars.Add(new SimCar
            {
                Id = car.Id,
                GapToLeader = car.GapToLeader,
                BasePace = car.BasePace,
                Compound = compound,
                TyreAge = car.TyreAge,
                Stops = car.Stops,
                CompoundsUsed = used,
                Retired = car.Retired,
            });
        }

        var state = new RaceSnapshot
        {
            TotalLaps = TotalLaps,
            LapsCompleted = LapsCompleted,
            Cars = cars,
            TrackStatus = status,
            NeutralisedLapsLeft = NeutralisedLapsLeft,
        };
        errors.AddRange(state.Validate().Where(e => !e.EndsWith("unknown compound.", StringComparison.Ordinal)));
        var plans = new Dictionary<string, Strategy>(StringComparer.Ordinal);
        foreach (var (car, stops) in Strategies ?? new Dictionary<string, IReadOnlyList<StopRequest>>())
        {
            if (stops is not null && stops.Any(s => s is null))
            {
                errors.Add($"strategy of car {car}: a stop is null; give each stop as {{\"lap\": N, \"compound\": \"HARD\"}}.");
                continue;
            }

            var plan = new Strategy([.. (stops ?? []).Select(s => new PlannedStop(s.Lap, ParseCompound(s.Compound, $"strategy of car {car}: compound", errors)))]);
            errors.AddRange(state.ValidateStrategy(car, plan).Where(e => !e.EndsWith("unknown compound.", StringComparison.Ordinal)).Select(e => $"strategy of car {car}: {e}"));
            plans[car] = plan;
        }

        if (errors.Count == 0)
        {
            snapshot = state;
            strategies = plans;
        }

        return errors;
    }

    private static TyreCompound ParseCompound(string? text, string what, List<string> errors)
    {
        if (text is not null && TyreCompounds.TryParse(text, out var compound) && compound != TyreCompound.Unknown)
        {
            return compound;
        }

        errors.Add($"{what} '{text}' is not a compound: use SOFT, MEDIUM, HARD, INTERMEDIATE or WET.");
        return TyreCompound.Unknown;
    }
}

/// <summary>One car of a <see cref="SimulationRequest"/>.</summary>
/// <param name="Id">The car's id (race number).</param>
/// <param name="GapToLeader">Seconds behind the leader (0 for the leader; never negative).</param>
/// <param name="BasePace">Fuel-corrected lap time on new tyres of the compound's reference, seconds.</param>
/// <param name="Compound">SOFT, MEDIUM, HARD, INTERMEDIATE or WET.</param>
/// <param name="TyreAge">Laps on the current tyres.</param>
/// <param name="Stops">Stops made so far.</param>
/// <param name="CompoundsUsed">Compounds used so far, for the two-dry-compounds rule.</param>
/// <param name="Retired">Out of the race.</param>
public sealed record SimulationCar(
    string Id,
    double GapToLeader,
    double BasePace,
    string? Compound,
    int TyreAge,
    int Stops = 0,
    IReadOnlyList<string>? CompoundsUsed = null,
    bool Retired = false);

/// <summary>A planned stop: at the end of <paramref name="Lap"/>, fit <paramref name="Compound"/>.</summary>
public sealed record StopRequest(int Lap, string? Compound);

/// <summary>Every car's outcome over the simulated races.</summary>
public sealed record SimulationResponse(int Runs, ulong Seed, double ElapsedMilliseconds, string CircuitModel, IReadOnlyList<CarOutcome> Cars);
