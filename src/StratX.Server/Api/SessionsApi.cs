using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;
using StratX.Domain.Identity;
using StratX.Domain.Laps;
using StratX.Domain.Recordings;
using StratX.Grains;
using StratX.Grains.Ingestion;
using StratX.Grains.Views;
using StratX.Ingestion.OpenF1;
using StratX.Ingestion.Replay;
using StratX.Server.Security;

namespace StratX.Server.Api;

/// <summary>Sessions: start a replay, read the live state of a session and its cars.</summary>
public static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/api/v1/sessions").WithTags("Sessions").RequireAuthorization(TeamPolicies.Viewer);
        sessions.MapGet("/", ListSessions).WithSummary("The tenant's sessions, newest first.");
        sessions.MapPost("/", StartSession).RequireAuthorization(TeamPolicies.Strategist).WithSummary("Start replaying a bundled race into a new (or an existing) session.");
        sessions.MapGet("/{sessionId}", GetSession).WithSummary("A session: race, phase, lap count, track status, weather, fastest lap, pit stops, ingestion.");
        sessions.MapDelete("/{sessionId}/replay", StopReplay).RequireAuthorization(TeamPolicies.Strategist).WithSummary("Stop a session's running replay.");
        sessions.MapGet("/{sessionId}/classification", GetClassification).WithSummary("The running order with gaps and intervals.");
        sessions.MapGet("/{sessionId}/cars/{car}", GetCar).WithSummary("One car: position, gaps, pace, current stint, stops, latest telemetry.");
        sessions.MapGet("/{sessionId}/cars/{car}/laps", GetLaps).WithSummary("Every lap the car has completed.");
        sessions.MapGet("/{sessionId}/cars/{car}/stints", GetStints).WithSummary("The car's stints with average pace and fuel-corrected degradation.");
        sessions.MapStrategyApi();
        sessions.MapPredictionsApi();
        return sessions;
    }

    private static async Task<Ok<IReadOnlyList<SessionListItem>>> ListSessions(HttpContext http, ITenantAccessor tenants, IGrainFactory grains)
    {
        var tenant = tenants.Current(http);
        var listings = await grains.GetGrain<ISessionCatalogGrain>(tenant.Value).List();
        var items = new List<SessionListItem>(listings.Count);
        foreach (var listing in listings)
        {
            var summary = await grains.GetGrain<ISessionGrain>(listing.Session.ToString()).GetSummary();
            items.Add(new SessionListItem(listing.Session.Session.Value, listing.Name, listing.Source, listing.CreatedAt, summary?.Phase ?? SessionPhase.Scheduled, summary?.LeaderLap ?? 0, summary?.Race?.ScheduledLaps));
        }

        return TypedResults.Ok<IReadOnlyList<SessionListItem>>(items);
    }

    private static async Task<Results<Accepted<SessionSummary>, ProblemHttpResult>> StartSession(
        StartSessionRequest request,
        HttpContext http,
        ITenantAccessor tenants,
        BundledRaces races,
        IGrainFactory grains,
        TenantQuotaGuard quotas,
        TimeProvider time)
    {
        if (!TryValidateStart(request, races, out var start, out var problem))
        {
            return problem;
        }

        var (race, speed, sessionId, telemetryCars) = start;
        var session = new SessionKey(tenants.Current(http), sessionId);
        var limits = await quotas.For(session.Tenant);
        var listing = new SessionListing
        {
            Session = session,
            Name = race.Name,
            Source = race.Id,
            CreatedAt = time.GetUtcNow(),
        };
        var replay = new ReplayRequest
        {
            Session = session,
            Recording = race.Location,
            Speed = speed.IsMax ? null : speed.Factor,
            FromRaceStart = request.FromRaceStart ?? !speed.IsMax,
            IncludeTelemetry = request.IncludeTelemetry ?? true,
            TelemetryCars = telemetryCars,
            PaceFromLap = request.PaceFromLap,
            MaxEventsPerSecond = limits.ReplayEventsPerSecond,
        };
        try
        {
            // The tenant's catalog counts its running replays and starts this one in the same turn: the quota is
            // reserved, so concurrent starts cannot overshoot it.
            if (await grains.GetGrain<ISessionCatalogGrain>(session.Tenant.Value).StartReplay(listing, replay, limits.ConcurrentSessions) is null)
            {
                return TenantQuotaGuard.SessionsBusy(limits.ConcurrentSessions);
            }
        }
        catch (ReplayAlreadyRunningException e)
        {
            return Problem(StatusCodes.Status409Conflict, "Replay already running", e.Message);
        }

        var grain = grains.GetGrain<ISessionGrain>(session.ToString());
        return TypedResults.Accepted($"/api/v1/sessions/{sessionId}", await grain.GetSummary());
    }

    private static async Task<Results<Ok<SessionSummary>, ProblemHttpResult>> GetSession(string sessionId, HttpContext http, ITenantAccessor tenants, IGrainFactory grains)
    {
        if (Resolve(sessionId, http, tenants) is not { } session)
        {
            return InvalidSessionId(sessionId);
        }

        var summary = await grains.GetGrain<ISessionGrain>(session.ToString()).GetSummary();
        return summary is null ? SessionNotFound(sessionId) : TypedResults.Ok(summary);
    }

    private static async Task<Results<Ok<IngestionStatus>, ProblemHttpResult>> StopReplay(string sessionId, HttpContext http, ITenantAccessor tenants, IGrainFactory grains)
    {
        if (Resolve(sessionId, http, tenants) is not { } session)
        {
            return InvalidSessionId(sessionId);
        }

        var grain = grains.GetGrain<ISessionGrain>(session.ToString());
        if (!await grain.StopReplay())
        {
            return Problem(StatusCodes.Status404NotFound, "No running replay", $"Session '{sessionId}' has no replay running.");
        }

        return TypedResults.Ok((await grain.GetIngestion())!);
    }

    private static async Task<Results<Ok<Classification>, ProblemHttpResult>> GetClassification(string sessionId, HttpContext http, ITenantAccessor tenants, IGrainFactory grains)
    {
        if (Resolve(sessionId, http, tenants) is not { } session)
        {
            return InvalidSessionId(sessionId);
        }

        var grain = grains.GetGrain<ISessionGrain>(session.ToString());
        return await grain.GetSummary() is null ? SessionNotFound(sessionId) : TypedResults.Ok(await grain.GetClassification());
    }

    private static async Task<Results<Ok<CarView>, ProblemHttpResult>> GetCar(string sessionId, string car, HttpContext http, ITenantAccessor tenants, IGrainFactory grains)
    {
        if (ResolveCar(sessionId, car, http, tenants, out var problem) is not { } key)
        {
            return problem!;
        }

        var view = await grains.GetGrain<ICarGrain>(key.ToString()).GetView();
        return view is null ? CarNotFound(sessionId, car) : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<IReadOnlyList<LapRecord>>, ProblemHttpResult>> GetLaps(string sessionId, string car, HttpContext http, ITenantAccessor tenants, IGrainFactory grains)
    {
        if (ResolveCar(sessionId, car, http, tenants, out var problem) is not { } key)
        {
            return problem!;
        }

        var grain = grains.GetGrain<ICarGrain>(key.ToString());
        return await grain.GetView() is null ? CarNotFound(sessionId, car) : TypedResults.Ok(await grain.GetLaps());
    }

    private static async Task<Results<Ok<IReadOnlyList<StintView>>, ProblemHttpResult>> GetStints(string sessionId, string car, HttpContext http, ITenantAccessor tenants, IGrainFactory grains)
    {
        if (ResolveCar(sessionId, car, http, tenants, out var problem) is not { } key)
        {
            return problem!;
        }

        var grain = grains.GetGrain<ICarGrain>(key.ToString());
        return await grain.GetView() is null ? CarNotFound(sessionId, car) : TypedResults.Ok(await grain.GetStints());
    }

    /// <summary>
    /// The checks of a replay start body (<c>POST /api/v1/sessions</c>) before anything runs: a race of the
    /// catalogue, a speed, a lap to pace from, and a session id (made up from the race when not given). The
    /// problem is the endpoint's 400 answer; the tenant's session quota is checked after this, with its grains.
    /// </summary>
    public static bool TryValidateStart(StartSessionRequest request, BundledRaces races, [NotNullWhen(true)] out ReplayStart? start, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        start = null;
        if (string.IsNullOrWhiteSpace(request.Race) || !races.TryFind(request.Race, out var race))
        {
            problem = Problem(StatusCodes.Status400BadRequest, "Unknown race", $"'{request.Race}' is not a bundled race; GET /api/v1/races lists them.");
            return false;
        }

        if (!ReplaySpeed.TryParse(request.Speed, out var speed, out var speedError))
        {
            problem = Problem(StatusCodes.Status400BadRequest, "Invalid speed", speedError);
            return false;
        }

        if (request.PaceFromLap is < 1)
        {
            problem = Problem(StatusCodes.Status400BadRequest, "Invalid paceFromLap", $"paceFromLap must be a lap number from 1 (was {request.PaceFromLap}).");
            return false;
        }

        var sessionId = request.SessionId ?? $"{race.Id}-{Guid.NewGuid().ToString("N")[..6]}";
        if (!SessionId.IsValid(sessionId))
        {
            problem = Problem(StatusCodes.Status400BadRequest, "Invalid session id", $"'{sessionId}' is not a session id: use 1-64 lowercase letters, digits, '-' or '_'.");
            return false;
        }

        if (!TryTelemetryCars(request, race, out var telemetryCars, out var carsError))
        {
            problem = Problem(StatusCodes.Status400BadRequest, "Invalid telemetryCars", carsError);
            return false;
        }

        start = new ReplayStart(race, speed, new SessionId(sessionId), telemetryCars);
        problem = null;
        return true;
    }

    /// <summary>Most cars a replay's telemetry can be limited to: more than a grid is a mistake.</summary>
    private const int MostTelemetryCars = 30;

    private static bool TryTelemetryCars(StartSessionRequest request, BundledRace race, out IReadOnlyList<CarId>? cars, [NotNullWhen(false)] out string? error)
    {
        cars = null;
        error = null;
        if (request.TelemetryCars is not { } asked)
        {
            return true;
        }

        if (request.IncludeTelemetry == false)
        {
            error = "telemetryCars asks for telemetry that includeTelemetry false leaves out: send one or the other.";
        }
        else if (asked.Count is 0 or > MostTelemetryCars)
        {
            error = $"telemetryCars must name 1 to {MostTelemetryCars} cars (was {asked.Count}); leave it out for every car's telemetry.";
        }
        else if (asked.Where(c => !CarId.IsValid(c)).Take(1).ToList() is [var bad])
        {
            error = $"'{bad}' is not a car: name cars by their racing number, e.g. \"44\".";
        }
        else if (asked.Distinct(StringComparer.Ordinal).Count() != asked.Count)
        {
            error = "telemetryCars names a car twice.";
        }
        else if (race.Location.Format != RecordingFormat.OpenF1Folder)
        {
            error = $"'{race.Id}' is a timing-only recording: it has no car telemetry to choose from.";
        }
        else if (asked.FirstOrDefault(c => !File.Exists(Path.Combine(race.Location.Path, OpenF1Recording.CarDataFile(new CarId(c))))) is { } missing)
        {
            error = $"'{race.Id}' has no telemetry for car {missing}.";
        }

        if (error is not null)
        {
            return false;
        }

        cars = [.. asked.Select(c => new CarId(c))];
        return true;
    }

    /// <summary>The car's key when its session and the car exist; otherwise the problem to answer with.</summary>
    internal static async Task<(CarKey? Key, ProblemHttpResult? Problem)> FindCar(string sessionId, string car, HttpContext http, ITenantAccessor tenants, IGrainFactory grains)
    {
        if (ResolveCar(sessionId, car, http, tenants, out var problem) is not { } key)
        {
            return (null, problem);
        }

        if (await grains.GetGrain<ISessionGrain>(key.Session.ToString()).GetSummary() is null)
        {
            return (null, SessionNotFound(sessionId));
        }

        return await grains.GetGrain<ICarGrain>(key.ToString()).GetView() is null ? (null, CarNotFound(sessionId, car)) : (key, null);
    }

    private static SessionKey? Resolve(string sessionId, HttpContext http, ITenantAccessor tenants) =>
        SessionId.IsValid(sessionId) ? new SessionKey(tenants.Current(http), new SessionId(sessionId)) : null;

    private static CarKey? ResolveCar(string sessionId, string car, HttpContext http, ITenantAccessor tenants, out ProblemHttpResult? problem)
    {
        problem = null;
        if (Resolve(sessionId, http, tenants) is not { } session)
        {
            problem = InvalidSessionId(sessionId);
            return null;
        }

        if (!CarId.IsValid(car))
        {
            problem = Problem(StatusCodes.Status400BadRequest, "Invalid car", $"'{car}' is not a car: use its race number.");
            return null;
        }

        return session.Car(new CarId(car));
    }

    private static ProblemHttpResult InvalidSessionId(string sessionId) =>
        Problem(StatusCodes.Status400BadRequest, "Invalid session id", $"'{sessionId}' is not a session id: use 1-64 lowercase letters, digits, '-' or '_'.");

    private static ProblemHttpResult SessionNotFound(string sessionId) =>
        Problem(StatusCodes.Status404NotFound, "Session not found", $"There is no session '{sessionId}'.");

    private static ProblemHttpResult CarNotFound(string sessionId, string car) =>
        Problem(StatusCodes.Status404NotFound, "Car not found", $"Session '{sessionId}' has no car {car}.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}

/// <summary>Start a replay of a bundled race.</summary>
/// <param name="Race">A bundled race id from GET /api/v1/races, e.g. "2023-bahrain-race".</param>
/// <param name="Speed">"max" (as fast as possible, the default) or a factor: 1 is real time, 10 is ten times faster.</param>
/// <param name="SessionId">The session to replay into; a new id is made when absent. Replaying into a session that already holds the race changes nothing.</param>
/// <param name="FromRaceStart">Skip what was recorded before the start; by default true for paced replays, false at full speed.</param>
/// <param name="IncludeTelemetry">Replay car telemetry too (default true).</param>
/// <param name="PaceFromLap">With a paced speed: catch up at full speed to the leader's completion of this lap, then play at the speed.</param>
/// <param name="TelemetryCars">Replay only these cars' telemetry (car numbers, e.g. ["1", "11"]: a team's own), timing for the whole field; every car's when absent.</param>
public sealed record StartSessionRequest(string Race, string? Speed = null, string? SessionId = null, bool? FromRaceStart = null, bool? IncludeTelemetry = null, int? PaceFromLap = null, IReadOnlyList<string>? TelemetryCars = null);

/// <summary>What a checked <see cref="StartSessionRequest"/> asks for: the bundled race, the speed, the session to replay into and whose telemetry (null: every car's).</summary>
public sealed record ReplayStart(BundledRace Race, ReplaySpeed Speed, SessionId Session, IReadOnlyList<CarId>? TelemetryCars = null);

public sealed record SessionListItem(string Id, string Name, string? Source, DateTimeOffset CreatedAt, SessionPhase Phase, int LeaderLap, int? ScheduledLaps);
