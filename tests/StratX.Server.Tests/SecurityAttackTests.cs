using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using StratX.Domain.Identity;
using StratX.Grains.Tenancy;
using StratX.Server.Observability;
using StratX.Server.Security;

namespace StratX.Server.Tests;

/// <summary>
/// Two competing teams on one real server: team A, with every credential it can get (each role's API key, tokens,
/// forged tokens), tries every endpoint and hub method against team B's sessions, keys and quotas. Each attempt
/// counts; one that reads, changes or reveals B's data counts as a leak. Every test prints its numbers.
/// </summary>
[Trait("Category", "Security")]
public sealed class SecurityAttackTests(SecurityAttackTests.TwoTeams teams, ITestOutputHelper output) : IClassFixture<SecurityAttackTests.TwoTeams>
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    /// <summary>Every route the server maps, with how the suite fills its parameters with team B's identifiers.</summary>
    private static readonly string[] ApiRoutes =
    [
        "GET /api/v1/races/",
        "GET /api/v1/sessions/",
        "POST /api/v1/sessions/",
        "GET /api/v1/sessions/{sessionId}",
        "DELETE /api/v1/sessions/{sessionId}/replay",
        "GET /api/v1/sessions/{sessionId}/classification",
        "GET /api/v1/sessions/{sessionId}/cars/{car}",
        "GET /api/v1/sessions/{sessionId}/cars/{car}/laps",
        "GET /api/v1/sessions/{sessionId}/cars/{car}/stints",
        "GET /api/v1/sessions/{sessionId}/cars/{car}/strategy",
        "POST /api/v1/sessions/{sessionId}/cars/{car}/strategy/compare",
        "GET /api/v1/sessions/{sessionId}/cars/{car}/predictions",
        "POST /api/v1/simulations/",
        "GET /api/v1/models/",
        "POST /api/v1/models/{task}/rollout",
        "POST /api/v1/models/{task}/rollback",
        "POST /api/v1/auth/token",
        "GET /api/v1/auth/dev-token",
        "GET /api/v1/auth/me",
        "POST /api/v1/tenants/",
        "GET /api/v1/tenants/{tenantId}",
        "PUT /api/v1/tenants/{tenantId}/quotas",
        "POST /api/v1/keys/",
        "GET /api/v1/keys/",
        "DELETE /api/v1/keys/{keyId}",
        "GET /api/v1/quotas",
    ];

    [Fact]
    public void The_suite_covers_every_api_route_the_server_maps()
    {
        var mapped = teams.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .Distinct()
            .Order()
            .ToList();
        Assert.Equal([.. ApiRoutes.Select(r => Normalise(r)).Order()], mapped);
    }

    [Fact]
    public async Task Team_a_with_any_of_its_credentials_cannot_read_change_or_detect_team_b_on_any_endpoint()
    {
        var attempts = 0;
        var leaks = new List<string>();
        var before = await teams.SnapshotOfB();
        foreach (var (role, credential) in await teams.ACredentials())
        {
            foreach (var route in ApiRoutes)
            {
                // B's real identifiers, and identifiers of the same shape that exist nowhere: A must not tell them apart.
                var real = await teams.SendAsA(credential, Fill(route, teams.B));
                var made = await teams.SendAsA(credential, Fill(route, TwoTeams.Nobody));
                attempts++;
                var verdict = await Judge(real, made);
                if (verdict is not null)
                {
                    leaks.Add($"{role} {route}: {verdict}");
                }
            }
        }

        var after = await teams.SnapshotOfB();
        attempts++;
        if (before != after)
        {
            leaks.Add($"team B's state changed while team A attacked it:\n{before}\n{after}");
        }

        output.WriteLine($"endpoints × A's credentials: {attempts} attempts, {leaks.Count} leaked");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public async Task Team_a_cannot_join_or_hear_team_b_sessions_on_the_hub()
    {
        // B replays a race live while its own viewer and A's admin both ask the hub for B's session.
        var live = $"b-live-{Guid.NewGuid():N}"[..16];
        using (var start = await teams.SendAsA(teams.B.Strategist, ("POST", "/api/v1/sessions", new { race = "2023-bahrain-race", speed = "200", sessionId = live, includeTelemetry = false })))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        var heardByB = 0;
        var heardByA = 0;
        await using var b = teams.Server.Hub(await teams.TokenFor(teams.B.Viewer));
        await using var a = teams.Server.Hub(await teams.TokenFor(teams.A.Admin));
        foreach (var kind in (string[])["classification", "car", "session", "trackStatus", "raceControl", "weather", "stint", "predictions", "strategy", "telemetry"])
        {
            b.On<JsonElement>(kind, _ => Interlocked.Increment(ref heardByB));
            a.On<JsonElement>(kind, _ => Interlocked.Increment(ref heardByA));
        }

        await b.StartAsync(Ct);
        await a.StartAsync(Ct);
        var attempts = 0;
        var leaks = new List<string>();
        var snapshotForB = await b.InvokeAsync<JsonElement>("JoinSession", live, Ct);
        var snapshotForA = await a.InvokeAsync<JsonElement>("JoinSession", live, Ct);
        attempts++;
        if (snapshotForA.GetProperty("session").ValueKind != JsonValueKind.Null || snapshotForA.GetProperty("classification").GetProperty("rows").GetArrayLength() != 0)
        {
            leaks.Add($"A's join answered B's state: {snapshotForA}");
        }

        // A tries the names a client could send to reach B's group: B's key spelled out, with its tenant.
        foreach (var name in (string[])[$"{teams.B.Tenant}/{live}", $"../{teams.B.Tenant}/{live}", live.ToUpperInvariant()])
        {
            attempts++;
            try
            {
                await a.InvokeAsync<JsonElement>("JoinSession", name, Ct);
                leaks.Add($"the hub accepted the session name '{name}'");
            }
            catch (Microsoft.AspNetCore.SignalR.HubException)
            {
            }
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref heardByB) < 50 && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100, Ct);
        }

        await teams.SendAsA(teams.B.Strategist, ("DELETE", $"/api/v1/sessions/{live}/replay", null));
        attempts++;
        if (heardByA != 0)
        {
            leaks.Add($"A heard {heardByA} of B's updates");
        }

        output.WriteLine($"hub: {attempts} attempts, {leaks.Count} leaked; B's viewer heard {heardByB} updates of its session, A heard {heardByA}; B's snapshot had {snapshotForB.GetProperty("classification").GetProperty("rows").GetArrayLength()} rows");
        Assert.True(heardByB >= 50, $"B's own viewer heard only {heardByB} updates: the test proves nothing");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public async Task Forged_expired_and_misaddressed_tokens_and_spoofed_tenant_headers_are_refused()
    {
        var server = teams.Server.Services;
        var options = server.GetRequiredService<JwtOptions>();
        var keys = server.GetRequiredService<SigningKeys>();
        var now = DateTimeOffset.UtcNow;
        TokenIssuer Issuer(JwtOptions o, SigningKeys k, DateTimeOffset at) => new(o, k, new FixedTime(at));
        var right = Issuer(options, keys, now).Issue(new TenantId(teams.A.Tenant), TenantRole.Admin, "attacker", null, TimeSpan.FromMinutes(5)).Token;
        var otherKey = SigningKeys.From(new JwtOptions { SigningKeys = [Convert.ToBase64String(new byte[32])] }, embedded: false);
        var forged = new Dictionary<string, string>
        {
            ["expired"] = Issuer(options, keys, now.AddHours(-2)).Issue(new TenantId(teams.B.Tenant), TenantRole.Admin, "x", null, TimeSpan.FromMinutes(30)).Token,
            ["wrong signing key"] = Issuer(options, otherKey, now).Issue(new TenantId(teams.B.Tenant), TenantRole.Admin, "x", null, TimeSpan.FromMinutes(5)).Token,
            ["wrong audience"] = Issuer(new JwtOptions { Audience = "someone-else" }, keys, now).Issue(new TenantId(teams.B.Tenant), TenantRole.Admin, "x", null, TimeSpan.FromMinutes(5)).Token,
            ["wrong issuer"] = Issuer(new JwtOptions { Issuer = "evil" }, keys, now).Issue(new TenantId(teams.B.Tenant), TenantRole.Admin, "x", null, TimeSpan.FromMinutes(5)).Token,
            ["alg none"] = Unsigned(new { sub = "x", tenant = teams.B.Tenant, role = "admin", iss = options.Issuer, aud = options.Audience, exp = now.AddMinutes(5).ToUnixTimeSeconds() }),
            ["A's token with its tenant swapped for B"] = SwapClaim(right, "tenant", teams.B.Tenant),
            ["A's token with an operator role"] = SwapClaim(right, "role", "operator"),
            ["B's token for a revoked key"] = await teams.TokenForRevokedKeyOfB(),
            ["not a token"] = "not.a.token",
        };

        var attempts = 0;
        var leaks = new List<string>();
        foreach (var (name, token) in forged)
        {
            foreach (var path in (string[])["/api/v1/sessions", $"/api/v1/sessions/{teams.B.Session}", "/api/v1/keys"])
            {
                attempts++;
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await teams.Server.SendAnonymousAsync(request, Ct);
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    leaks.Add($"{name} on {path}: {(int)response.StatusCode}");
                }
            }

            attempts++;
            await using var hub = teams.Server.Hub(token);
            try
            {
                await hub.StartAsync(Ct);
                leaks.Add($"{name}: the hub accepted the connection");
            }
            catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Unauthorized)
            {
            }
        }

        // The tenant only ever comes from the credential: headers naming B change nothing.
        foreach (var (header, value) in new (string, string)[] { ("baggage", $"stratx.tenant={teams.B.Tenant}"), ("X-Tenant", teams.B.Tenant), ("Correlation-Context", $"stratx.tenant={teams.B.Tenant}") })
        {
            attempts++;
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sessions/{teams.B.Session}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", right);
            request.Headers.TryAddWithoutValidation(header, value);
            using var response = await teams.Server.SendAnonymousAsync(request, Ct);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                leaks.Add($"{header}: {value} with A's token: {(int)response.StatusCode}");
            }
        }

        output.WriteLine($"forged tokens and spoofed headers: {attempts} attempts, {leaks.Count} leaked");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public async Task Inside_the_server_the_grain_filter_refuses_forged_keys_and_spoofed_or_missing_tenants()
    {
        var grains = teams.Server.Services.GetRequiredService<IGrainFactory>();
        var bSession = $"{teams.B.Tenant}/{teams.B.Session}";
        var attempts = 0;
        var leaks = new List<string>();
        async Task Refused(string what, Func<Task> call)
        {
            attempts++;
            try
            {
                await call();
                leaks.Add($"{what}: the call went through");
            }
            catch (StratX.Grains.Security.TenantAccessDeniedException)
            {
            }
        }

        // A's code path with a key forged to name B's session, car, stint, catalogue and account.
        using (StratX.Grains.Security.TenantContext.Enter(new TenantId(teams.A.Tenant)))
        {
            await Refused("A → B's session", async () => await grains.GetGrain<StratX.Grains.ISessionGrain>(bSession).GetSummary());
            await Refused("A → B's car", async () => await grains.GetGrain<StratX.Grains.ICarGrain>($"{bSession}/1").GetView());
            await Refused("A → B's catalogue", async () => await grains.GetGrain<StratX.Grains.ISessionCatalogGrain>(teams.B.Tenant).List());
            await Refused("A → B's keys", async () => await grains.GetGrain<ITenantGrain>(teams.B.Tenant).ListKeys());
            await Refused("A → B's key check", async () => await grains.GetGrain<ITenantGrain>(teams.B.Tenant).IsActive(teams.B.AdminKeyId));
        }

        // No tenant at all, and context values that are not a tenant id.
        await Refused("no tenant → B's session", async () => await grains.GetGrain<StratX.Grains.ISessionGrain>(bSession).GetSummary());
        foreach (object spoofed in (object[])[$"{teams.B.Tenant}/{teams.B.Session}", "TEAM-B", "", 42, new[] { teams.B.Tenant }])
        {
            RequestContext.Set(StratX.Grains.Security.TenantContext.Key, spoofed);
            try
            {
                await Refused($"context {spoofed} → B's session", async () => await grains.GetGrain<StratX.Grains.ISessionGrain>(bSession).GetSummary());
            }
            finally
            {
                RequestContext.Remove(StratX.Grains.Security.TenantContext.Key);
            }
        }

        // B itself still gets in: the refusals are about the caller, not the grain.
        using (StratX.Grains.Security.TenantContext.Enter(new TenantId(teams.B.Tenant)))
        {
            Assert.NotNull(await grains.GetGrain<StratX.Grains.ISessionGrain>(bSession).GetSummary());
        }

        output.WriteLine($"grain filter: {attempts} attempts, {leaks.Count} leaked");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public async Task Each_role_is_held_to_what_it_may_do()
    {
        var a = teams.A;
        (string Route, object? Body)[] strategistOnly =
        [
            ("POST /api/v1/sessions", new { race = "2023-bahrain-race", speed = "max", sessionId = "viewer-try", includeTelemetry = false }),
            ($"DELETE /api/v1/sessions/{a.Session}/replay", null),
            ($"POST /api/v1/sessions/{a.Session}/cars/1/strategy/compare", new { candidates = new[] { new { stops = Array.Empty<object>() } }, runs = 100 }),
            ("POST /api/v1/simulations", new { totalLaps = 10, lapsCompleted = 1, cars = Array.Empty<object>() }),
        ];
        (string Route, object? Body)[] adminOnly =
        [
            ("POST /api/v1/keys", new { name = "try", role = "admin" }),
            ("GET /api/v1/keys", null),
            ($"DELETE /api/v1/keys/{a.AdminKeyId}", null),
        ];

        var attempts = 0;
        var wrong = new List<string>();
        async Task Expect(string who, string credential, (string Route, object? Body) call, HttpStatusCode expected)
        {
            var parts = call.Route.Split(' ', 2);
            using var response = await teams.SendAsA(credential, (parts[0], parts[1], call.Body));
            attempts++;
            if (response.StatusCode != expected)
            {
                wrong.Add($"{who} {call.Route}: {(int)response.StatusCode}, expected {(int)expected}");
            }
        }

        foreach (var call in strategistOnly.Concat(adminOnly))
        {
            await Expect("viewer", a.Viewer, call, HttpStatusCode.Forbidden);
        }

        foreach (var call in adminOnly)
        {
            await Expect("strategist", a.Strategist, call, HttpStatusCode.Forbidden);
        }

        // A viewer may read and join: it is a viewer, not nobody.
        await Expect("viewer", a.Viewer, ($"GET /api/v1/sessions/{a.Session}", null), HttpStatusCode.OK);
        await Expect("viewer", a.Viewer, ("GET /api/v1/quotas", null), HttpStatusCode.OK);

        // Operator endpoints are not a tenant admin's, and the operator reads no race data.
        await Expect("admin", a.Admin, ("POST /api/v1/tenants", new { id = "new-team" }), HttpStatusCode.Unauthorized);
        await Expect("admin", a.Admin, ("POST /api/v1/models/pit-next-lap/rollback", null), HttpStatusCode.Unauthorized);
        await Expect("operator", TwoTeams.OperatorCredential, ($"GET /api/v1/sessions/{a.Session}", null), HttpStatusCode.Unauthorized);
        await Expect("operator", TwoTeams.OperatorCredential, ("GET /api/v1/sessions", null), HttpStatusCode.Unauthorized);

        output.WriteLine($"roles: {attempts} attempts, {wrong.Count} allowed what the role may not do");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Oversized_and_malformed_payloads_get_a_4xx_with_a_reason()
    {
        var a = teams.A;
        (string Route, string Body, HttpStatusCode Expected)[] payloads =
        [
            ("POST /api/v1/sessions", "{\"race\":", HttpStatusCode.BadRequest),
            ("POST /api/v1/sessions", "{\"race\":\"" + new string('x', 2 * 1024 * 1024) + "\"}", HttpStatusCode.RequestEntityTooLarge),
            ("POST /api/v1/sessions", "{\"race\":\"../../etc/passwd\"}", HttpStatusCode.BadRequest),
            ("POST /api/v1/sessions", "{\"race\":\"2023-bahrain-race\",\"sessionId\":\"../team-b/x\"}", HttpStatusCode.BadRequest),
            ("POST /api/v1/simulations", "[1,2,3]", HttpStatusCode.BadRequest),
            ("POST /api/v1/keys", "{\"name\":\"x\",\"role\":\"owner\"}", HttpStatusCode.BadRequest),
            ("POST /api/v1/keys", "{\"name\":\"\\u0000\",\"role\":\"viewer\"}", HttpStatusCode.BadRequest),
            ("POST /api/v1/keys", "not json", HttpStatusCode.BadRequest),
            ($"POST /api/v1/sessions/{a.Session}/cars/1/strategy/compare", "{\"candidates\":[{\"stops\":[{\"lap\":\"x\"}]}]}", HttpStatusCode.BadRequest),
        ];

        var attempts = 0;
        var wrong = new List<string>();
        foreach (var (route, body, expected) in payloads)
        {
            var parts = route.Split(' ', 2);
            using var request = new HttpRequestMessage(new HttpMethod(parts[0]), parts[1]) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(TeamAuthentication.ApiKeyHeader, a.Admin);
            // A large body is offered first, as a careful client does: the server's 413 then comes before any of it is
            // sent (without this the answer raced the upload, and a loaded CI machine once saw only a broken pipe).
            request.Headers.ExpectContinue = body.Length > 64 * 1024;
            using var response = await teams.Server.SendAnonymousAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            attempts++;
            if (response.StatusCode != expected)
            {
                wrong.Add($"{route} {Shorten(body)}: {(int)response.StatusCode}, expected {(int)expected}: {Shorten(text)}");
            }
            else if (!text.Contains("\"detail\"", StringComparison.Ordinal) && !text.Contains("\"errors\"", StringComparison.Ordinal))
            {
                wrong.Add($"{route} {Shorten(body)}: {(int)response.StatusCode} without a reason: {Shorten(text)}");
            }
            else if (text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Exception", StringComparison.Ordinal))
            {
                wrong.Add($"{route} {Shorten(body)}: the answer shows the server's insides: {Shorten(text)}");
            }
        }

        output.WriteLine($"payloads: {attempts} attempts, {wrong.Count} without a 4xx and a reason");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task Guessing_api_keys_is_rate_limited_per_address()
    {
        await using var server = await RunningServer.LaunchAsync(
            $"--{OperatorAccess.KeySetting}", TwoTeams.OperatorKey,
            $"--{RateLimitOptions.Section}:FailedSignInPermits", "5",
            $"--{RateLimitOptions.Section}:Window", "00:05:00");
        var created = await TwoTeams.CreateTenantAsync(server, "guessed");
        var realKey = created.GetProperty("adminKey").GetProperty("key").GetString()!;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            // Well-formed guesses for the real key id with a random secret: the strongest kind of guess.
            var guess = string.Join('.', realKey.Split('.')[..3]) + "." + Base64UrlEncoder.Encode(global::System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sessions");
            request.Headers.Add(TeamAuthentication.ApiKeyHeader, guess);
            using var response = await server.SendAnonymousAsync(request, Ct);
            statuses.Add(response.StatusCode);
        }

        using var withRealKey = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sessions");
        withRealKey.Headers.Add(TeamAuthentication.ApiKeyHeader, realKey);
        using var afterGuessingResponse = await server.SendAnonymousAsync(withRealKey, Ct);
        var afterGuessing = afterGuessingResponse.StatusCode;

        output.WriteLine($"key guessing: 20 guesses → {statuses.Count(s => s == HttpStatusCode.Unauthorized)}× 401, {statuses.Count(s => s == HttpStatusCode.TooManyRequests)}× 429; the real key from the same address then: {(int)afterGuessing}; 0 guessed");
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 15)], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, afterGuessing);
    }

    [Fact]
    public void What_is_stored_of_an_api_key_is_the_hash_of_its_secret_and_only_that_secret_matches_it()
    {
        var (text, stored) = ApiKeys.Create(new TenantId("team-a"), "integration", TenantRole.Strategist, DateTimeOffset.UtcNow);
        var secret = text.Split('.')[3];
        Assert.Equal(global::System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(secret)), stored.SecretHash);
        Assert.DoesNotContain(secret, JsonSerializer.Serialize(stored), StringComparison.Ordinal);
        Assert.True(ApiKeys.TryParse(text, out var tenant, out var id, out var hash));
        Assert.Equal(("team-a", stored.Id), (tenant.Value, id));
        Assert.Equal(stored.SecretHash, hash);
        var tampered = text[..^1] + (text[^1] == 'A' ? 'B' : 'A');
        Assert.True(ApiKeys.TryParse(tampered, out _, out _, out var tamperedHash));
        Assert.NotEqual(stored.SecretHash, tamperedHash);
        string[] malformedKeys =
        [
            "", "sxk", "sxk.team-a", $"sxk.TEAM.{id}.{secret}", $"sxk.team-a.{id}", $"sxk.team-a.xyz.{secret}", $"abc.team-a.{id}.{secret}", $"sxk.team-a.{id}.{secret}.extra",
            $"sxk.team-a\n.{id}.{secret}", $"sxk.team-a.{id}.{secret[..^1]}+", $"sxk.team-a.{id}.{secret[..30]}",
        ];
        foreach (var malformed in malformedKeys)
        {
            Assert.False(ApiKeys.TryParse(malformed, out _, out _, out _), malformed);
            Assert.False(ApiKeys.TryParse(malformed, out _, out _, out _, out var why), malformed);
            Assert.False(string.IsNullOrWhiteSpace(why), $"no reason for '{malformed}'");
        }
    }

    private static string Normalise(string route) => route.TrimEnd('/').Replace("//", "/", StringComparison.Ordinal);

    private static (string Method, string Path, object? Body) Fill(string route, TwoTeams.Team target)
    {
        var parts = route.Split(' ', 2);
        var path = parts[1]
            .Replace("{sessionId}", target.Session, StringComparison.Ordinal)
            .Replace("{car}", "1", StringComparison.Ordinal)
            .Replace("{task}", "pit-next-lap", StringComparison.Ordinal)
            .Replace("{tenantId}", target.Tenant, StringComparison.Ordinal)
            .Replace("{keyId}", target.AdminKeyId, StringComparison.Ordinal);
        object? body = parts[0] switch
        {
            // A may start a session of any name in its own namespace; the attempt must not reach B's, and it must
            // not fill A's quota, so the race is one that is not bundled.
            "POST" when path == "/api/v1/sessions/" => new { race = "not-bundled", speed = "max", sessionId = target.Session, includeTelemetry = false },
            "POST" when path.EndsWith("/compare", StringComparison.Ordinal) => new { candidates = new[] { new { stops = Array.Empty<object>() } }, runs = 50 },
            "POST" when path == "/api/v1/tenants/" => new { id = target.Tenant },
            "POST" when path == "/api/v1/keys/" => new { name = "attack", role = "admin" },
            "PUT" => new { concurrentSessions = 99, concurrentSimulations = 99, replayEventsPerSecond = 99999 },
            _ => null,
        };
        return (parts[0], path.Length > 1 ? path.TrimEnd('/') : path, body);
    }

    /// <summary>Why a pair of answers (for B's real identifiers, and for identifiers that exist nowhere) is a leak; null when it is not.</summary>
    private async Task<string?> Judge(HttpResponseMessage real, HttpResponseMessage made)
    {
        var realText = (await real.Content.ReadAsStringAsync(Ct)).Replace(teams.B.Session, "{session}", StringComparison.Ordinal).Replace(teams.B.AdminKeyId, "{key}", StringComparison.Ordinal).Replace(teams.B.Tenant, "{tenant}", StringComparison.Ordinal);
        var madeText = (await made.Content.ReadAsStringAsync(Ct)).Replace(TwoTeams.Nobody.Session, "{session}", StringComparison.Ordinal).Replace(TwoTeams.Nobody.AdminKeyId, "{key}", StringComparison.Ordinal).Replace(TwoTeams.Nobody.Tenant, "{tenant}", StringComparison.Ordinal);
        foreach (var marker in teams.B.Secrets)
        {
            if (realText.Contains(marker, StringComparison.Ordinal))
            {
                return $"{(int)real.StatusCode} answer holds B's '{marker}'";
            }
        }

        // B's identifiers must be answered exactly as identifiers that exist nowhere.
        return real.StatusCode != made.StatusCode || Strip(realText) != Strip(madeText)
            ? $"B's identifiers answer {(int)real.StatusCode} {Shorten(realText)}, unknown ones {(int)made.StatusCode} {Shorten(madeText)}"
            : null;
    }

    /// <summary>Parts of an answer that differ between any two requests (trace ids, times).</summary>
    private static string Strip(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "\"(traceId|requestId|computedAt|createdAt|expiresAt|token|key|id)\":\"[^\"]*\"", "\"$1\":\"…\"");

    private static string Shorten(string text) => text.Length > 160 ? text[..160] + "…" : text;

    private static string Unsigned(object payload)
    {
        static string Part(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
        return $"{Part(new { alg = "none", typ = "JWT" })}.{Part(payload)}.";
    }

    private static string SwapClaim(string token, string claim, string value)
    {
        var parts = token.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        var changed = payload.ToDictionary(p => p.Key, p => (object)p.Value);
        changed[claim] = value;
        parts[1] = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(changed));
        return string.Join('.', parts);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>The server, team A and team B with a finished session each, and every credential of both.</summary>
    public sealed class TwoTeams : IAsyncLifetime
    {
        public const string OperatorKey = "operator-key-of-the-security-attack-suite";

        public const string OperatorCredential = "operator:" + OperatorKey;

        /// <summary>Identifiers of B's shape that belong to no one.</summary>
        public static readonly Team Nobody = new() { Tenant = "team-z", Session = "zz-session", AdminKeyId = "0123456789abcdef" };

        public RunningServer Server { get; private set; } = null!;

        public Team A { get; private set; } = null!;

        public Team B { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Server = await RunningServer.LaunchAsync($"--{OperatorAccess.KeySetting}", OperatorKey, $"--{RateLimitOptions.Section}:FailedSignInPermits", "10000");
            A = await CreateTeamAsync("team-a", "a-session");
            B = await CreateTeamAsync("team-b", "b-session");
        }

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();

        public static async Task<JsonElement> CreateTenantAsync(RunningServer server, string id)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tenants") { Content = JsonContent.Create(new { id }) };
            request.Headers.Add(OperatorAccess.KeyHeader, OperatorKey);
            using var response = await server.SendAnonymousAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        }

        /// <summary>Everything team A holds, and nothing at all. (The operator may manage B's account by design; the role test shows it reads no race data.)</summary>
        public async Task<List<(string Role, string Credential)>> ACredentials() =>
        [
            ("A's admin key", A.Admin),
            ("A's strategist key", A.Strategist),
            ("A's viewer key", A.Viewer),
            ("A's admin token", "bearer:" + await TokenFor(A.Admin)),
            ("A's viewer token", "bearer:" + await TokenFor(A.Viewer)),
            ("no credential", ""),
        ];

        /// <summary>A request with a credential: an API key, "bearer:{token}", "operator:{key}" or "" for none.</summary>
        public async Task<HttpResponseMessage> SendAsA(string credential, (string Method, string Path, object? Body) call)
        {
            using var request = new HttpRequestMessage(new HttpMethod(call.Method), call.Path);
            if (call.Body is not null)
            {
                request.Content = JsonContent.Create(call.Body, options: RunningServer.Json);
            }

            if (credential.StartsWith("bearer:", StringComparison.Ordinal))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential["bearer:".Length..]);
            }
            else if (credential.StartsWith("operator:", StringComparison.Ordinal))
            {
                request.Headers.Add(OperatorAccess.KeyHeader, credential["operator:".Length..]);
            }
            else if (credential.Length > 0)
            {
                request.Headers.Add(TeamAuthentication.ApiKeyHeader, credential);
            }

            using var client = Server.Anonymous();
            var response = await client.SendAsync(request, Ct);
            await response.Content.LoadIntoBufferAsync(Ct);
            return response;
        }

        public async Task<string> TokenFor(string apiKey)
        {
            using var response = await SendAsA(apiKey, ("POST", "/api/v1/auth/token", null));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("token").GetString()!;
        }

        public async Task<string> TokenForRevokedKeyOfB()
        {
            using var created = await SendAsA(B.Admin, ("POST", "/api/v1/keys", new { name = "to revoke", role = "viewer" }));
            var key = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!;
            var token = await TokenFor(key);
            using var revoked = await SendAsA(B.Admin, ("DELETE", $"/api/v1/keys/{key.Split('.')[2]}", null));
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
            return token;
        }

        /// <summary>B's state as its own admin sees it (sessions, the session, its keys, quotas): unchanged by anything A does.</summary>
        public async Task<string> SnapshotOfB()
        {
            var parts = new List<string>();
            foreach (var path in (string[])["/api/v1/sessions", $"/api/v1/sessions/{B.Session}/classification", "/api/v1/keys", "/api/v1/quotas"])
            {
                using var response = await SendAsA(B.Admin, ("GET", path, null));
                var text = await response.Content.ReadAsStringAsync(Ct);
                // Keys B itself revokes during other tests come and go; the first admin key is what A could touch.
                parts.Add(path == "/api/v1/keys" ? string.Join(",", JsonDocument.Parse(text).RootElement.EnumerateArray().Where(k => k.GetProperty("id").GetString() == B.AdminKeyId).Select(k => k.ToString())) : text);
            }

            return string.Join("\n", parts);
        }

        private async Task<Team> CreateTeamAsync(string tenant, string session)
        {
            var created = await CreateTenantAsync(Server, tenant);
            var admin = created.GetProperty("adminKey").GetProperty("key").GetString()!;
            var team = new Team { Tenant = tenant, Session = session, Admin = admin, AdminKeyId = created.GetProperty("adminKey").GetProperty("id").GetString()! };
            foreach (var role in (string[])["strategist", "viewer"])
            {
                using var response = await SendAsA(admin, ("POST", "/api/v1/keys", new { name = role, role }));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                var key = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!;
                team = role == "strategist" ? team with { Strategist = key } : team with { Viewer = key };
            }

            using (var started = await SendAsA(team.Strategist, ("POST", "/api/v1/sessions", new { race = "2023-bahrain-race", speed = "max", sessionId = session, includeTelemetry = false })))
            {
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            }

            var waited = global::System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                using var response = await SendAsA(team.Viewer, ("GET", $"/api/v1/sessions/{session}", null));
                var summary = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
                if (summary.GetProperty("ingestion").GetProperty("isFinished").GetBoolean())
                {
                    break;
                }

                Assert.True(waited.Elapsed < TimeSpan.FromMinutes(3), $"{tenant}'s replay did not finish");
                await Task.Delay(250, Ct);
            }

            return team;
        }

        public sealed record Team
        {
            public required string Tenant { get; init; }

            public required string Session { get; init; }

            public required string AdminKeyId { get; init; }

            public string Admin { get; init; } = "";

            public string Strategist { get; init; } = "";

            public string Viewer { get; init; } = "";

            /// <summary>Text that only B's data holds: seeing it in one of A's answers is a leak.</summary>
            public IEnumerable<string> Secrets => [Admin, Strategist, Viewer, AdminKeyId, $"{Tenant}/{Session}"];
        }
    }
}
