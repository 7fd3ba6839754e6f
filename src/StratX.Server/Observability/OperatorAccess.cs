using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using StratX.Grains.Hosting;
using StratX.Server.Security;

namespace StratX.Server.Observability;

/// <summary>
/// The platform operator's access to operator-only endpoints (the Orleans dashboard): the key in
/// <c>StratX:Auth:OperatorKey</c>, sent as <c>X-Operator-Key</c> or as HTTP Basic's password (so a browser can
/// open the dashboard; any user name). Embedded mode with no key configured lets requests from the machine
/// itself in: the person running the single process is its operator. Cluster mode with no key lets nobody in.
/// </summary>
public static class OperatorAccess
{
    public const string Scheme = "Operator";
    public const string Policy = "operators";
    public const string KeyHeader = "X-Operator-Key";
    public const string KeySetting = "StratX:Auth:OperatorKey";
    public const string DashboardPath = "/dashboard";

    public static void AddOperatorAccess(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddAuthentication()
            .AddScheme<OperatorAuthenticationOptions, OperatorAuthenticationHandler>(Scheme, o =>
            {
                o.Key = config[KeySetting] is { Length: > 0 } key ? key : null;
                o.TrustLoopback = o.Key is null && ClusterHosting.Mode(config) == StratXMode.Embedded;
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireRole(OperatorAuthenticationHandler.Role));
    }

    /// <summary>Adds the Orleans dashboard to the silo when it is on (its grain profiler runs only while someone watches).</summary>
    public static ISiloBuilder AddStratXDashboard(this ISiloBuilder silo, IConfiguration config)
    {
        if (ObservabilityOptions.From(config).Dashboard)
        {
            silo.AddDashboard(o => o.CounterUpdateIntervalMs = 2000);
        }

        return silo;
    }

    public static void MapOperatorEndpoints(this WebApplication app)
    {
        if (ObservabilityOptions.From(app.Configuration).Dashboard)
        {
            app.MapOrleansDashboard(DashboardPath).RequireAuthorization(Policy);
        }
    }
}

public sealed class OperatorAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The operator key; null when none is configured.</summary>
    public string? Key { get; set; }

    /// <summary>Let requests from the loopback address in without a key (embedded mode, no key configured).</summary>
    public bool TrustLoopback { get; set; }
}

internal sealed class OperatorAuthenticationHandler(IOptionsMonitor<OperatorAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, SignInFailures failures)
    : AuthenticationHandler<OperatorAuthenticationOptions>(options, logger, encoder)
{
    public const string Role = "operator";

    private bool _throttled;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Options.Key is { } expected)
        {
            if (PresentedKey() is not { } presented)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            // Key guessing: an address that failed too often is refused before its key is even compared.
            var address = Context.Connection.RemoteIpAddress;
            if (failures.IsBlocked(address))
            {
                _throttled = true;
                return Task.FromResult(AuthenticateResult.Fail("Too many failed sign-ins from this address."));
            }

            if (Matches(presented, expected))
            {
                return Task.FromResult(Success("key"));
            }

            failures.Record(address);
            return Task.FromResult(AuthenticateResult.Fail("The operator key does not match."));
        }

        return Task.FromResult(Options.TrustLoopback && Context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
            ? Success("loopback")
            : AuthenticateResult.NoResult());
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_throttled)
        {
            return RateLimits.WriteTooManyAsync(Context, failures.Window, "Too many failed sign-ins from this address; try again later.");
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"StratX operators\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    private string? PresentedKey()
    {
        if (Request.Headers[OperatorAccess.KeyHeader].ToString() is { Length: > 0 } header)
        {
            return header;
        }

        var authorization = Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..].Trim()));
            return decoded.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? decoded[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private AuthenticateResult Success(string how)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator"), new Claim(ClaimTypes.Role, Role), new Claim("stratx:operator-auth", how)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
