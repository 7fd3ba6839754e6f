using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StratX.Domain.Identity;
using StratX.Grains.Hosting;
using StratX.Grains.Security;
using StratX.Grains.Tenancy;
using StratX.Server.Hubs;
using StratX.Server.Observability;

namespace StratX.Server.Security;

/// <summary>How team members and integrations sign in (<c>StratX:Auth:Jwt</c>).</summary>
public sealed class JwtOptions
{
    public const string Section = "StratX:Auth:Jwt";

    public string Issuer { get; set; } = "stratx";

    public string Audience { get; set; } = "stratx-api";

    /// <summary>
    /// Base64 HMAC-SHA256 keys of at least 32 bytes (from configuration, or Key Vault through the container's
    /// secret references). The first signs the tokens this server issues; every one of them validates, so a key
    /// is rotated by adding the new one first, then removing the old one once its tokens have expired.
    /// Required in cluster mode; the embedded default makes one up at start (its tokens die with the process).
    /// </summary>
    public string[] SigningKeys { get; set; } = [];

    /// <summary>How long a token exchanged for an API key lives.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the embedded default's development token lives.</summary>
    public TimeSpan DevelopmentTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The claims StratX reads from a team principal, whatever signed it in.</summary>
public static class TeamClaims
{
    public const string Tenant = "tenant";
    public const string Role = "role";

    /// <summary>The API key a principal signed in with, directly or through a token exchanged for it.</summary>
    public const string Key = "stratx_key";

    public static TenantId? TenantOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirst(Tenant)?.Value is { } value && TenantId.IsValid(value) ? new TenantId(value) : null;

    public static TenantRole? RoleOf(ClaimsPrincipal user) =>
        user.FindFirst(Role)?.Value is { } value && TryParseRole(value, out var role) ? role : null;

    public static string RoleName(TenantRole role) => role switch
    {
        TenantRole.Viewer => "viewer",
        TenantRole.Strategist => "strategist",
        TenantRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static bool TryParseRole(string? value, out TenantRole role)
    {
        foreach (var candidate in Enum.GetValues<TenantRole>())
        {
            if (RoleName(candidate) == value)
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }
}

/// <summary>The authorization policies of tenant endpoints: each needs a tenant claim and one of the roles that include it.</summary>
public static class TeamPolicies
{
    public const string Viewer = "viewer";
    public const string Strategist = "strategist";
    public const string Admin = "admin";

    /// <summary>A team member of any role, or the platform operator (platform-wide information such as the models in use).</summary>
    public const string ViewerOrOperator = "viewer-or-operator";

    /// <summary>Signed in with an API key itself (not a token): the only way to get a token for a key.</summary>
    public const string ApiKey = "api-key";
}

/// <summary>
/// Team sign-in: JWT bearer tokens (tenant and role claims, HS256 only, issuer, audience and expiry checked) and
/// API keys in <c>X-Api-Key</c>. One policy scheme picks between them per request, so every tenant endpoint and
/// the hub accept either.
/// </summary>
public static class TeamAuthentication
{
    public const string Scheme = "Team";
    public const string BearerScheme = JwtBearerDefaults.AuthenticationScheme;
    public const string ApiKeyScheme = "ApiKey";
    public const string ApiKeyHeader = "X-Api-Key";

    public static void AddTeamAuthentication(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var options = config.GetSection(JwtOptions.Section).Get<JwtOptions>() ?? new JwtOptions();
        var embedded = ClusterHosting.Mode(config) == StratXMode.Embedded;
        var keys = SigningKeys.From(options, embedded);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(keys);
        builder.Services.AddSingleton<TokenIssuer>();

        builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or bearer token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeyHeader) ? ApiKeyScheme : BearerScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null)
            .AddJwtBearer(BearerScheme, o =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudience = options.Audience,
                    IssuerSigningKeys = keys.All,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateLifetime = true,
                    ClockSkew = options.ClockSkew,
                    NameClaimType = JwtRegisteredClaimNames.Sub,
                    RoleClaimType = TeamClaims.Role,
                };
                o.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on a WebSocket: SignalR sends the token in the query, for the hub only.
                    OnMessageReceived = context =>
                    {
                        if (context.HttpContext.Request.Path.StartsWithSegments(RaceHub.Path) && context.Request.Query["access_token"].ToString() is { Length: > 0 } token)
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = ValidateTeamTokenAsync,
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(TeamPolicies.Viewer, p => RequireRole(p, TenantRole.Viewer))
            .AddPolicy(TeamPolicies.Strategist, p => RequireRole(p, TenantRole.Strategist))
            .AddPolicy(TeamPolicies.Admin, p => RequireRole(p, TenantRole.Admin))
            .AddPolicy(TeamPolicies.ViewerOrOperator, p => p.AddAuthenticationSchemes(Scheme, OperatorAccess.Scheme).RequireAuthenticatedUser().RequireAssertion(context =>
                context.User.Identities.Any(i => i.AuthenticationType == OperatorAccess.Scheme && i.HasClaim(ClaimTypes.Role, OperatorAuthenticationHandler.Role)) || TeamClaims.TenantOf(context.User) is not null && TeamClaims.RoleOf(context.User) is not null))
            .AddPolicy(TeamPolicies.ApiKey, p => p.AddAuthenticationSchemes(ApiKeyScheme).RequireClaim(TeamClaims.Tenant).RequireClaim(TeamClaims.Key));
    }

    private static void RequireRole(Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder policy, TenantRole least) =>
        policy.AddAuthenticationSchemes(Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => TeamClaims.TenantOf(context.User) is not null && TeamClaims.RoleOf(context.User) is { } role && role >= least);

    /// <summary>A signature is not enough: the claims must name a tenant and a role, and a token exchanged for an API key dies with the key.</summary>
    private static async Task ValidateTeamTokenAsync(TokenValidatedContext context)
    {
        var user = context.Principal!;
        if (TeamClaims.TenantOf(user) is not { } tenant || TeamClaims.RoleOf(user) is null)
        {
            context.Fail("The token does not name a valid tenant and role.");
            return;
        }

        if (user.FindFirst(TeamClaims.Key)?.Value is { } keyId)
        {
            var grains = context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>();
            using var scope = TenantContext.Enter(tenant);
            if (!await grains.GetGrain<ITenantGrain>(tenant.Value).IsActive(keyId))
            {
                context.Fail("The API key this token was issued for has been revoked.");
            }
        }
    }
}

/// <summary>The HMAC keys tokens are signed and validated with.</summary>
public sealed class SigningKeys
{
    private SigningKeys(IReadOnlyList<SymmetricSecurityKey> all) => All = all;

    public IReadOnlyList<SymmetricSecurityKey> All { get; }

    public SymmetricSecurityKey Current => All[0];

    public static SigningKeys From(JwtOptions options, bool embedded)
    {
        var configured = options.SigningKeys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        if (configured.Count == 0)
        {
            return embedded
                ? new SigningKeys([new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "development" }])
                : throw new InvalidOperationException($"{JwtOptions.Section}:SigningKeys is empty: a cluster needs at least one base64 key of 32 bytes or more, the same on every node.");
        }

        var keys = new List<SymmetricSecurityKey>();
        for (var i = 0; i < configured.Count; i++)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(configured[i].Trim());
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{JwtOptions.Section}:SigningKeys:{i} is not base64.");
            }

            if (bytes.Length < 32)
            {
                throw new InvalidOperationException($"{JwtOptions.Section}:SigningKeys:{i} has {bytes.Length} bytes; HS256 keys need 32 or more.");
            }

            // The key id lets a validator pick the key at once; it is derived from the key, so every node agrees.
            keys.Add(new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] });
        }

        return new SigningKeys(keys);
    }
}

/// <summary>A bearer token StratX issued, with what it carries.</summary>
public sealed record IssuedToken(string Token, string Tenant, TenantRole Role, DateTimeOffset ExpiresAt);

/// <summary>Issues StratX's own bearer tokens (for API keys, and the embedded default's development token).</summary>
public sealed class TokenIssuer(JwtOptions options, SigningKeys keys, TimeProvider time)
{
    public IssuedToken Issue(TenantId tenant, TenantRole role, string subject, string? keyId, TimeSpan lifetime)
    {
        var now = time.GetUtcNow();
        var expires = now + lifetime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = subject,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [TeamClaims.Tenant] = tenant.Value,
            [TeamClaims.Role] = TeamClaims.RoleName(role),
        };
        if (keyId is not null)
        {
            claims[TeamClaims.Key] = keyId;
        }

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, tenant.Value, role, expires);
    }
}

/// <summary>
/// API keys: <c>sxk.{tenant}.{key id}.{secret}</c>. The secret is 32 random bytes; only its SHA-256 is stored
/// (a slow password hash buys nothing for a secret that cannot be guessed, and verification is on every request).
/// </summary>
public static class ApiKeys
{
    private const string Prefix = "sxk";

    public static (string Text, StoredApiKey Stored) Create(TenantId tenant, string name, TenantRole role, DateTimeOffset now)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return ($"{Prefix}.{tenant.Value}.{id}.{secret}", new StoredApiKey { Id = id, Name = name, Role = role, SecretHash = Hash(secret), CreatedAt = now });
    }

    public static bool TryParse(string? text, out TenantId tenant, out string keyId, out byte[] secretHash) =>
        TryParse(text, out tenant, out keyId, out secretHash, out _);

    /// <summary>
    /// Reads a key's tenant, id and secret hash; when the text is not a key, <paramref name="error"/> says why.
    /// Nothing is verified here: a well-formed key may still be unknown or revoked.
    /// </summary>
    public static bool TryParse(string? text, out TenantId tenant, out string keyId, out byte[] secretHash, out string error)
    {
        tenant = default;
        keyId = "";
        secretHash = [];
        if (string.IsNullOrEmpty(text))
        {
            error = "no API key given.";
            return false;
        }

        if (text.Split('.') is not [var prefix, var t, var id, var secret])
        {
            error = $"an API key has four parts separated by '.': {Prefix}.{{tenant}}.{{key id}}.{{secret}}.";
            return false;
        }

        error = prefix != Prefix ? $"an API key starts with '{Prefix}.'."
            : !TenantId.IsValid(t) ? "the key's tenant is not a tenant id."
            : id.Length != 16 || !id.All(char.IsAsciiHexDigitLower) ? "the key id is not 16 lowercase hex digits."
            : secret.Length is < 40 or > 64 ? $"the secret has {secret.Length} characters; a key's secret has 40 to 64."
            : !secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? "the secret is not base64url (letters, digits, '-' and '_')."
            : "";
        if (error.Length > 0)
        {
            return false;
        }

        tenant = new TenantId(t);
        keyId = id;
        secretHash = Hash(secret);
        return true;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}

/// <summary>Signs a request in with its <c>X-Api-Key</c>; failed attempts count against the client address.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SignInFailures failures,
    IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private bool _throttled;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers[TeamAuthentication.ApiKeyHeader].ToString() is not { Length: > 0 } presented)
        {
            return AuthenticateResult.NoResult();
        }

        var address = Context.Connection.RemoteIpAddress;
        if (failures.IsBlocked(address))
        {
            _throttled = true;
            return AuthenticateResult.Fail("Too many failed sign-ins from this address.");
        }

        if (ApiKeys.TryParse(presented, out var tenant, out var keyId, out var hash))
        {
            using var scope = TenantContext.Enter(tenant);
            if (await grains.GetGrain<ITenantGrain>(tenant.Value).Verify(keyId, hash) is { } role)
            {
                var identity = new ClaimsIdentity(
                    [
                        new Claim(JwtRegisteredClaimNames.Sub, "key:" + keyId),
                        new Claim(TeamClaims.Tenant, tenant.Value),
                        new Claim(TeamClaims.Role, TeamClaims.RoleName(role)),
                        new Claim(TeamClaims.Key, keyId),
                    ],
                    Scheme.Name,
                    JwtRegisteredClaimNames.Sub,
                    TeamClaims.Role);
                return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
            }
        }

        failures.Record(address);
        return AuthenticateResult.Fail("The API key is not valid.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        _throttled
            ? RateLimits.WriteTooManyAsync(Context, failures.Window, "Too many failed sign-ins from this address; try again later.")
            : base.HandleChallengeAsync(properties);
}

/// <summary>Whether a request comes from the machine the server runs on.</summary>
internal static class Loopback
{
    public static bool Is(HttpContext context) => context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);
}
