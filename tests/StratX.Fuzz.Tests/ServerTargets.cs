using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using StratX.Domain.Identity;
using StratX.Grains.Hosting;
using StratX.Grains.Tenancy;
using StratX.Server;
using StratX.Server.Api;
using StratX.Server.Security;
using StratX.Tests;

namespace StratX.Fuzz;

/// <summary>
/// Request bodies the server reads: deserialized with the server's JSON options and validated, as the
/// endpoint does before it runs anything. A body that is not JSON of the request's shape is refused with
/// System.Text.Json's reason (the endpoint answers 400 with it); a request that is JSON but not valid is
/// refused with each reason the endpoint's own check gives (the detail of its 400 answer). The API key in
/// <c>X-Api-Key</c> is read the way the sign-in handler reads it.
/// </summary>
public static class ServerTargets
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    public static IReadOnlyList<ParserTarget> All { get; } =
    [
        Body<SimulationRequest>("simulation-request", SimulationSeeds, request =>
        {
            if (request is null)
            {
                return ParseOutcome.Rejected("the body is empty");
            }

            var errors = request.Validate(out var snapshot, out _);
            return errors.Count > 0 ? new ParseOutcome(0, errors) : new ParseOutcome(snapshot!.Cars.Count, []);
        }),

        // The X-Api-Key header as the sign-in handler reads it before it asks the tenant's grain about the key.
        // The seeds are made by ApiKeys.Create at each start, so a run's --seed repeats its mutations, not the
        // secrets; a crash report carries the input itself.
        new("api-key", ApiKeySeeds(), input =>
            ApiKeys.TryParse(Encoding.UTF8.GetString(input), out _, out _, out _, out var error) ? new ParseOutcome(1, []) : ParseOutcome.Rejected(error)),

        // POST /api/v1/tenants: the tenant id, and the quotas when given, checked before the tenant is created.
        Body<CreateTenantRequest>("tenant-create-request", TenantSeeds, request =>
            TenancyApi.TryValidateTenant(request, out _, out var problem) ? new ParseOutcome(1, []) : Rejected(problem)),

        // POST /api/v1/keys: the key's name and role, checked before the key is made.
        Body<CreateKeyRequest>("key-create-request", KeySeeds, request =>
            TenancyApi.TryValidateKey(request, out _, out _, out var problem) ? new ParseOutcome(1, []) : Rejected(problem)),

        // PUT /api/v1/tenants/{id}/quotas: the body checked before the tenant's grain is asked (the id in the path is not fuzzed here).
        Body<TenantQuotas>("quotas-request", QuotaSeeds, quotas =>
            TenancyApi.TryValidateQuotas(quotas, out var problem) ? new ParseOutcome(1, []) : Rejected(problem)),

        // POST /api/v1/models/{task}/rollout with a JSON body: the version checked before the task or the registry is
        // asked. Whether the task is known (404) and whether that version is on disk and loads (409) are the model
        // registry's answers and are not fuzzed here. The endpoint reads no body when the request has neither a
        // length nor a content type (then the newest version is rolled out); an empty JSON body is refused, as here.
        Body<PredictionsApi.RolloutRequest>("model-rollout-request", RolloutSeeds, request =>
            PredictionsApi.TryValidateRollout(request, out _, out var problem) ? new ParseOutcome(1, []) : Rejected(problem)),

        // POST /api/v1/sessions: the race looked up in the catalogue of data/ (in memory once scanned), the speed,
        // the lap to pace from and the session id. What follows needs a running server and is not fuzzed here: the
        // tenant's session quota (its grains) and the replay grain refusing a session that already replays.
        SessionStart(),

        // POST /api/v1/sessions/{id}/cars/{car}/strategy/compare: the endpoint's checks (candidates, compounds),
        // then the planner's checks of the numbers of candidates and runs at the default limits. The stop laps
        // are checked against the live race by the planner and are not fuzzed here (that needs a running race).
        Body<CompareRequest>("strategy-compare-request", CompareSeeds, request =>
        {
            if (!StrategyApi.TryValidateCompare(request, out var comparison, out var problem))
            {
                return new ParseOutcome(0, [.. problem.ProblemDetails.Errors.SelectMany(e => e.Value.Select(reason => $"{e.Key}: {reason}"))]);
            }

            var limits = new StrategyOptions();
            var errors = comparison.Validate(limits.MaxComparisonCandidates, limits.MaxComparisonRuns);
            return errors.Count > 0 ? new ParseOutcome(0, errors) : new ParseOutcome(comparison.Candidates.Count, []);
        }),
    ];

    private static string[] TenantSeeds =>
    [
        """{"id":"mclaren-racing"}""",
        """{"id":"team_7","quotas":{"concurrentSessions":5,"concurrentSimulations":2,"replayEventsPerSecond":40000}}""",
        """{"id":"williams","quotas":{"concurrentSessions":1,"concurrentSimulations":1,"replayEventsPerSecond":5000}}""",
        """{"id": "haas-f1-team", "quotas": {"replayEventsPerSecond": 100000}}""",
    ];

    private static string[] KeySeeds =>
    [
        """{"name":"pit wall laptop","role":"strategist"}""",
        """{"name":"Grafana dashboard","role":"viewer"}""",
        """{"name":"CI deploy (ops team)","role":"admin"}""",
        """{"name": "Télémétrie garage 2 — Jörg", "role": "viewer"}""",
    ];

    private static string[] QuotaSeeds =>
    [
        """{"concurrentSessions":5,"concurrentSimulations":2,"replayEventsPerSecond":40000}""",
        """{"concurrentSessions":1,"concurrentSimulations":1,"replayEventsPerSecond":5000}""",
        """{"replayEventsPerSecond":100000}""",
        """{"concurrentSessions": 10, "concurrentSimulations": 4}""",
    ];

    private static string[] RolloutSeeds =>
    [
        """{"version":1}""",
        """{"version": 4}""",
        """{"version":null}""",
        """{}""",
        """{"version": 12, "note": "back to the spring model"}""",
    ];

    private static string[] CompareSeeds =>
    [
        """{"candidates":[{"stops":[]},{"stops":[{"lap":35,"compound":"HARD"}]},{"stops":[{"lap":28,"compound":"MEDIUM"},{"lap":45,"compound":"SOFT"}]}],"runs":2000,"seed":7}""",
        """{"candidates":[{"stops":[{"lap":50,"compound":"hard"}]}]}""",
        """{"candidates":[{"stops":[{"lap":20,"compound":"INTERMEDIATE"}]},{"stops":[{"lap":20,"compound":"WET"}]}],"runs":500}""",
        """{"candidates": [{"stops": [{"lap": 31, "compound": "MEDIUM"}]}, {"stops": [{"lap": 38, "compound": "HARD"}]}], "runs": 20000, "seed": 18446744073709551615}""",
    ];

    /// <summary>
    /// A body deserialized as the endpoint binds it, then checked with <paramref name="check"/>; JSON that is not
    /// of the request's shape is refused with System.Text.Json's reason. A <c>null</c> body goes to the check,
    /// as these endpoints take a nullable body and answer 400 for it themselves.
    /// </summary>
    private static ParserTarget Body<T>(string name, IEnumerable<string> seeds, Func<T?, ParseOutcome> check)
        where T : class =>
        new(name, [.. seeds.Select(Encoding.UTF8.GetBytes)], input =>
        {
            T? body;
            try
            {
                body = JsonSerializer.Deserialize<T>(input, Json);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return ParseOutcome.Rejected(e.Message);
            }

            return check(body);
        });

    private static ParseOutcome Rejected(ProblemHttpResult problem) =>
        ParseOutcome.Rejected($"{problem.ProblemDetails.Title}: {problem.ProblemDetails.Detail}");

    /// <summary>The replay start; its body is not nullable, so ASP.NET Core answers 400 for an empty one before the endpoint runs.</summary>
    private static ParserTarget SessionStart()
    {
        var races = BundledRaces.Load(RepoPaths.Data);
        return Body<StartSessionRequest>("session-start-request",
            [
                """{"race":"2023-bahrain-race"}""",
                """{"race":"2024-china-race","speed":"10x","sessionId":"china-pit-wall-test","includeTelemetry":false}""",
                """{"race":"2023-bahrain-race","speed":"max","fromRaceStart":true,"includeTelemetry":true}""",
                """{"race":"2021-22-abu-dhabi-grand-prix","speed":"2","paceFromLap":30}""",
                """{"race": "2024-china-race", "speed": "0.5", "sessionId": "china_2024", "paceFromLap": 1}""",
                """{"race":"2024-china-race","speed":"max","telemetryCars":["1","4","16","77"]}""",
            ],
            request => request is null ? ParseOutcome.Rejected("the body is empty")
                : SessionsApi.TryValidateStart(request, races, out _, out var problem) ? new ParseOutcome(1, [])
                : Rejected(problem));
    }

    /// <summary>Keys as ApiKeys.Create makes them for a new tenant's admin and a team's integrations.</summary>
    private static List<byte[]> ApiKeySeeds() =>
    [
        .. new[] { ("demo", TenantRole.Admin), ("mclaren-racing", TenantRole.Strategist), ("team_7", TenantRole.Viewer), (new string('t', 64), TenantRole.Viewer) }
            .Select(k => Encoding.UTF8.GetBytes(ApiKeys.Create(new TenantId(k.Item1), "fuzz seed", k.Item2, DateTimeOffset.UnixEpoch).Text)),
    ];

    /// <summary>Race states of the kind the API's users send: a mid-race field with planned stops, a neutralised race, one car.</summary>
    private static string[] SimulationSeeds =>
    [
        """{"totalLaps":57,"lapsCompleted":30,"cars":[{"id":"1","gapToLeader":0,"basePace":93.6,"compound":"MEDIUM","tyreAge":25,"compoundsUsed":["MEDIUM"]},{"id":"11","gapToLeader":3.0,"basePace":93.4,"compound":"HARD","tyreAge":4,"stops":1,"compoundsUsed":["MEDIUM","HARD"]},{"id":"16","gapToLeader":9.5,"basePace":93.9,"compound":"HARD","tyreAge":10,"stops":1,"compoundsUsed":["SOFT","HARD"]}],"strategies":{"1":[{"lap":31,"compound":"HARD"}]},"runs":4000,"seed":7}""",
        """{"totalLaps":58,"lapsCompleted":40,"trackStatus":"safetyCar","neutralisedLapsLeft":3,"cars":[{"id":"44","gapToLeader":0,"basePace":88.1,"compound":"HARD","tyreAge":30,"stops":1,"compoundsUsed":["MEDIUM","HARD"]},{"id":"33","gapToLeader":1.2,"basePace":87.9,"compound":"HARD","tyreAge":15,"stops":1,"compoundsUsed":["MEDIUM","HARD"]},{"id":"77","gapToLeader":20.5,"basePace":88.8,"compound":"MEDIUM","tyreAge":22,"stops":1,"compoundsUsed":["HARD","MEDIUM"],"retired":false}],"strategies":{"44":[{"lap":41,"compound":"SOFT"}],"33":[]},"runs":500}""",
        """{"totalLaps":57,"lapsCompleted":1,"cars":[{"id":"1","gapToLeader":0,"basePace":95,"compound":"SOFT","tyreAge":3}],"runs":100,"seed":1}""",
    ];

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        StratXServer.ConfigureJson(options);
        return options;
    }
}
