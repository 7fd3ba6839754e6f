using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using StratX.Server.Observability;

namespace StratX.Server.Tests;

/// <summary>The Orleans dashboard is for the operator only; every request carries a correlation id.</summary>
public class OperatorAccessTests
{
    private const string Key = "operator-test-key-7f3a9c";
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_an_operator_key_configured_the_dashboard_answers_only_to_that_key()
    {
        await using var server = await RunningServer.LaunchAsync($"--{OperatorAccess.KeySetting}", Key);

        // No key, a wrong key, a malformed Basic header, an empty password: 401 with a Basic challenge.
        foreach (var (what, header, value) in new (string, string?, string?)[]
        {
            ("no key", null, null),
            ("wrong header key", OperatorAccess.KeyHeader, Key + "x"),
            ("wrong basic password", "Authorization", Basic("operator", "nope")),
            ("not base64", "Authorization", "Basic !!!"),
            ("no password", "Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("operator"))),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/ClusterStats");
            if (header is not null)
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }

            using var response = await server.Http.SendAsync(request, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {response.StatusCode}");
            Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        // The key as a header (scripts) or as Basic's password (a browser): the dashboard's page and its data.
        using var byHeader = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        byHeader.Headers.Add(OperatorAccess.KeyHeader, Key);
        using var page = await server.Http.SendAsync(byHeader, Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        // The dashboard's counters come from a grain refreshed every 2 s: this silo appears within seconds.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        int? hosts;
        do
        {
            using var byBasic = new HttpRequestMessage(HttpMethod.Get, "/dashboard/DashboardCounters");
            byBasic.Headers.Authorization = AuthenticationHeaderValue.Parse(Basic("anyone", Key));
            using var counters = await server.Http.SendAsync(byBasic, Ct);
            Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
            hosts = (int?)JsonNode.Parse(await counters.Content.ReadAsStringAsync(Ct))!["totalActiveHostCount"];
            await Task.Delay(250, Ct);
        }
        while (hosts != 1 && waited.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Equal(1, hosts);

        // The rest of the API does not ask for it.
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/api/v1/races", Ct)).StatusCode);
    }

    [Fact]
    public async Task Embedded_without_a_key_the_dashboard_opens_to_the_machine_itself_and_every_response_has_a_correlation_id()
    {
        await using var server = await RunningServer.LaunchAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/dashboard/ClusterStats", Ct)).StatusCode);

        // A caller's sane id is kept and echoed; an unusable one is replaced, never echoed.
        using var given = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sessions/no-such-session");
        given.Headers.Add(CorrelationId.Header, "race-ops.42:abc");
        using var found = await server.Http.SendAsync(given, Ct);
        Assert.Equal(HttpStatusCode.NotFound, found.StatusCode);
        Assert.Equal("race-ops.42:abc", found.Headers.GetValues(CorrelationId.Header).Single());

        foreach (var bad in new[] { new string('a', 65), "two words", "semi;colon", "<script>" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/races");
            request.Headers.TryAddWithoutValidation(CorrelationId.Header, bad);
            using var response = await server.Http.SendAsync(request, Ct);
            var echoed = response.Headers.GetValues(CorrelationId.Header).Single();
            Assert.NotEqual(bad, echoed);
            Assert.NotNull(CorrelationId.From(echoed));
        }

        using var none = await server.Http.GetAsync("/api/v1/races", Ct);
        Assert.NotNull(CorrelationId.From(none.Headers.GetValues(CorrelationId.Header).Single()));
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
}
