using System.Net;
using System.Net.Http.Json;
using System.Text;
using StratX.Server.Security;

namespace StratX.Server.Tests;

/// <summary>The edge: security headers on every response, a request-body limit, CORS only for configured origins.</summary>
public class EdgeProtectionTests
{
    private const string Allowed = "https://pitwall.example";
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Responses_carry_security_headers_oversized_bodies_get_413_and_only_configured_origins_get_cors()
    {
        await using var server = await RunningServer.LaunchAsync(
            $"--{EdgeOptions.Section}:MaxRequestBodyBytes", "65536",
            $"--{EdgeOptions.Section}:CorsOrigins:0", Allowed);

        foreach (var path in new[] { "/", "/api/v1/races", "/api/v1/sessions/no-such-session", "/health/live" })
        {
            using var response = await server.Http.GetAsync(path, Ct);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            // The dashboard sets no inline style and runs no inline script: nothing inline is allowed at all.
            Assert.DoesNotContain("'unsafe-inline'", policy, StringComparison.Ordinal);
            Assert.Contains("style-src 'self';", policy, StringComparison.Ordinal);
        }

        // A body over the limit is refused with 413 and a problem document; one under it is read (and judged on its content).
        var big = new StringContent($"{{\"totalLaps\":57,\"pad\":\"{new string('x', 70_000)}\"}}", Encoding.UTF8, "application/json");
        using var refused = await server.Http.PostAsync("/api/v1/simulations", big, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var read = await server.Http.PostAsJsonAsync("/api/v1/simulations", new { totalLaps = 57, lapsCompleted = 20 }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, read.StatusCode);

        // CORS: the configured origin is answered, any other is not.
        foreach (var (origin, expected) in new[] { (Allowed, Allowed), ("https://rival-team.example", null) })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/simulations");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
            using var answer = await server.Http.SendAsync(preflight, Ct);
            Assert.Equal(expected, answer.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null);
        }
    }

    [Fact]
    public async Task Without_configured_origins_no_cross_origin_call_is_allowed()
    {
        await using var server = await RunningServer.LaunchAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/races");
        request.Headers.Add("Origin", Allowed);
        using var response = await server.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
