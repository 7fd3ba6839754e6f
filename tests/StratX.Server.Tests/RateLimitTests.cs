using System.Net;
using StratX.Server.Observability;
using StratX.Server.Security;

namespace StratX.Server.Tests;

/// <summary>A tenant over its API limit and an address guessing the operator key both get 429 with when to come back.</summary>
public class RateLimitTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_tenant_over_its_limit_gets_429_with_retry_after_while_health_and_metrics_still_answer()
    {
        await using var server = await RunningServer.LaunchAsync(
            $"--{RateLimitOptions.Section}:TenantPermits", "5",
            $"--{RateLimitOptions.Section}:Window", "00:02:00");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await server.Http.GetAsync("/api/v1/races", Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 120 }, $"Retry-After: {response.Headers.RetryAfter}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)], statuses);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/health/live", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/metrics", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_address_that_guesses_the_operator_key_too_often_is_refused_even_with_the_right_key()
    {
        const string key = "the-operator-key-for-rate-limit-tests";
        await using var server = await RunningServer.LaunchAsync(
            $"--{OperatorAccess.KeySetting}", key,
            $"--{RateLimitOptions.Section}:FailedSignInPermits", "3",
            $"--{RateLimitOptions.Section}:Window", "00:02:00");

        async Task<HttpResponseMessage> Try(string guess)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/ClusterStats");
            request.Headers.Add(OperatorAccess.KeyHeader, guess);
            return await server.Http.SendAsync(request, Ct);
        }

        Assert.Equal(HttpStatusCode.OK, (await Try(key)).StatusCode);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Try($"guess-{i}")).StatusCode);
        }

        var refused = await Try(key);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 and <= 120 });
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Try("another-guess")).StatusCode);
    }
}
