using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;
using StratX.Domain.Identity;
using StratX.Grains.Hosting;
using StratX.Grains.Security;
using StratX.Grains.Tenancy;
using StratX.Server.Observability;
using StratX.Server.Security;

namespace StratX.Server.Api;

/// <summary>
/// Signing in (tokens for API keys, the embedded default's development token), the operator's tenant management,
/// and a tenant admin's API keys and quota view.
/// </summary>
public static class TenancyApi
{
    public static void MapTenancyApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Sign-in");
        auth.MapPost("/token", IssueToken).RequireAuthorization(TeamPolicies.ApiKey)
            .WithSummary("Exchange the API key in X-Api-Key for a short-lived bearer token of its tenant and role (for browsers and the hub).");
        auth.MapGet("/dev-token", DevelopmentToken).AllowAnonymous()
            .WithSummary("Embedded mode, from this machine only: a bearer token for the demo tenant's admin. 404 anywhere else.");
        auth.MapGet("/me", (HttpContext http, ITenantAccessor tenants) =>
                TypedResults.Ok(new SignedIn(tenants.Current(http).Value, TeamClaims.RoleOf(http.User)!.Value, http.User.FindFirst(TeamClaims.Key)?.Value)))
            .RequireAuthorization(TeamPolicies.Viewer)
            .WithSummary("Who the request is signed in as: tenant, role and API key id.");

        var tenantsApi = app.MapGroup("/api/v1/tenants").WithTags("Tenants (operator)").RequireAuthorization(OperatorAccess.Policy);
        tenantsApi.MapPost("/", CreateTenant).WithSummary("Create a tenant; the answer holds its first admin API key, shown this once.");
        tenantsApi.MapGet("/{tenantId}", GetTenant).WithSummary("Whether a tenant exists, since when, and how many active keys it has (no race data).");
        tenantsApi.MapPut("/{tenantId}/quotas", SetQuotas).WithSummary("Set a tenant's quotas.");

        var keys = app.MapGroup("/api/v1/keys").WithTags("API keys").RequireAuthorization(TeamPolicies.Admin);
        keys.MapPost("/", CreateKey).WithSummary("Create an API key for this tenant with a role; the key is in the answer, shown this once.");
        keys.MapGet("/", ListKeys).WithSummary("This tenant's API keys (ids, names, roles, dates; never the secrets).");
        keys.MapDelete("/{keyId}", RevokeKey).WithSummary("Revoke a key for good; tokens exchanged for it stop working at once.");

        app.MapGet("/api/v1/quotas", GetQuotas).WithTags("API keys").RequireAuthorization(TeamPolicies.Viewer)
            .WithSummary("This tenant's quotas and what it uses of them now.");
    }

    private static Ok<IssuedToken> IssueToken(HttpContext http, ITenantAccessor tenants, TokenIssuer issuer, JwtOptions options)
    {
        var user = http.User;
        var key = user.FindFirst(TeamClaims.Key)!.Value;
        return TypedResults.Ok(issuer.Issue(tenants.Current(http), TeamClaims.RoleOf(user)!.Value, "key:" + key, key, options.TokenLifetime));
    }

    private static Results<Ok<IssuedToken>, NotFound> DevelopmentToken(HttpContext http, IConfiguration config, TokenIssuer issuer, JwtOptions options) =>
        ClusterHosting.Mode(config) == StratXMode.Embedded && Loopback.Is(http)
            ? TypedResults.Ok(issuer.Issue(TenantId.Demo, TenantRole.Admin, "development", null, options.DevelopmentTokenLifetime))
            : TypedResults.NotFound();

    private static async Task<Results<Created<CreatedTenant>, ProblemHttpResult>> CreateTenant(CreateTenantRequest? request, IGrainFactory grains, TenantQuotaGuard quotas, TimeProvider time)
    {
        if (!TryValidateTenant(request, out var tenant, out var problem))
        {
            return problem;
        }

        var id = tenant.Value;
        var (text, stored) = ApiKeys.Create(tenant, "first admin key", TenantRole.Admin, time.GetUtcNow());
        using var scope = TenantContext.Enter(tenant);
        if (!await grains.GetGrain<ITenantGrain>(id).Create(stored, request.Quotas))
        {
            return Problem(StatusCodes.Status409Conflict, "Tenant exists", $"Tenant '{id}' exists already.");
        }

        return TypedResults.Created($"/api/v1/tenants/{id}", new CreatedTenant(id, request.Quotas ?? quotas.Defaults, CreatedKey.From(stored, text)));
    }

    private static async Task<Results<Ok<TenantInfo>, ProblemHttpResult>> GetTenant(string tenantId, IGrainFactory grains)
    {
        if (!TenantId.IsValid(tenantId))
        {
            return TenantNotFound(tenantId);
        }

        using var scope = TenantContext.Enter(new TenantId(tenantId));
        return await grains.GetGrain<ITenantGrain>(tenantId).Get() is { } info ? TypedResults.Ok(info) : TenantNotFound(tenantId);
    }

    private static async Task<Results<Ok<TenantQuotas>, ProblemHttpResult>> SetQuotas(string tenantId, TenantQuotas? quotas, IGrainFactory grains)
    {
        if (!TenantId.IsValid(tenantId))
        {
            return TenantNotFound(tenantId);
        }

        if (!TryValidateQuotas(quotas, out var problem))
        {
            return problem;
        }

        using var scope = TenantContext.Enter(new TenantId(tenantId));
        var grain = grains.GetGrain<ITenantGrain>(tenantId);
        if (await grain.Get() is null)
        {
            return TenantNotFound(tenantId);
        }

        await grain.SetQuotas(quotas);
        return TypedResults.Ok(quotas);
    }

    private static async Task<Results<Created<CreatedKey>, ProblemHttpResult>> CreateKey(CreateKeyRequest? request, HttpContext http, ITenantAccessor tenants, IGrainFactory grains, TimeProvider time)
    {
        if (!TryValidateKey(request, out var name, out var role, out var problem))
        {
            return problem;
        }

        var tenant = tenants.Current(http);
        var (text, stored) = ApiKeys.Create(tenant, name, role, time.GetUtcNow());
        try
        {
            await grains.GetGrain<ITenantGrain>(tenant.Value).AddKey(stored);
        }
        catch (InvalidOperationException e)
        {
            return Problem(StatusCodes.Status409Conflict, "Key not created", e.Message);
        }

        return TypedResults.Created($"/api/v1/keys/{stored.Id}", CreatedKey.From(stored, text));
    }

    private static async Task<Ok<IReadOnlyList<ApiKeyInfo>>> ListKeys(HttpContext http, ITenantAccessor tenants, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<ITenantGrain>(tenants.Current(http).Value).ListKeys());

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string keyId, HttpContext http, ITenantAccessor tenants, IGrainFactory grains) =>
        await grains.GetGrain<ITenantGrain>(tenants.Current(http).Value).RevokeKey(keyId)
            ? TypedResults.NoContent()
            : Problem(StatusCodes.Status404NotFound, "Key not found", $"This tenant has no API key '{keyId}'.");

    private static async Task<Ok<QuotaView>> GetQuotas(HttpContext http, ITenantAccessor tenants, TenantQuotaGuard guard)
    {
        var tenant = tenants.Current(http);
        return TypedResults.Ok(new QuotaView(await guard.For(tenant), await guard.RunningSessions(tenant), await guard.RunningSimulations(tenant)));
    }

    /// <summary>
    /// The checks of a tenant creation body (<c>POST /api/v1/tenants</c>) before anything is created: a valid
    /// tenant id, and usable quotas when it gives any. The problem is the endpoint's 400 answer.
    /// </summary>
    public static bool TryValidateTenant([NotNullWhen(true)] CreateTenantRequest? request, out TenantId tenant, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        tenant = default;
        if (request?.Id is not { } id || !TenantId.IsValid(id))
        {
            problem = Problem(StatusCodes.Status400BadRequest, "Invalid tenant id", $"'{request?.Id}' is not a tenant id: use 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit.");
            return false;
        }

        if (request.Quotas is { } given && !TryValidateQuotas(given, out problem))
        {
            return false;
        }

        tenant = new TenantId(id);
        problem = null;
        return true;
    }

    /// <summary>The checks of a quotas body (<c>PUT /api/v1/tenants/{id}/quotas</c>, and the quotas of a new tenant).</summary>
    public static bool TryValidateQuotas([NotNullWhen(true)] TenantQuotas? quotas, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        problem = quotas is null ? Problem(StatusCodes.Status400BadRequest, "Invalid quotas", "The body must be a quotas object.")
            : TenantQuotaGuard.Validate(quotas) is { } error ? Problem(StatusCodes.Status400BadRequest, "Invalid quotas", error)
            : null;
        return problem is null;
    }

    /// <summary>
    /// The checks of an API key creation body (<c>POST /api/v1/keys</c>) before a key is made: a name of 1-100
    /// printable characters (returned trimmed) and a role.
    /// </summary>
    public static bool TryValidateKey([NotNullWhen(true)] CreateKeyRequest? request, out string name, out TenantRole role, [NotNullWhen(false)] out ProblemHttpResult? problem)
    {
        name = "";
        role = default;
        if (request is null || string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100 || request.Name.Any(char.IsControl))
        {
            problem = Problem(StatusCodes.Status400BadRequest, "Invalid key name", "Give the key a name of 1-100 printable characters (what it is for).");
            return false;
        }

        if (!TeamClaims.TryParseRole(request.Role, out role))
        {
            problem = Problem(StatusCodes.Status400BadRequest, "Invalid role", $"'{request.Role}' is not a role: use viewer, strategist or admin.");
            return false;
        }

        name = request.Name.Trim();
        problem = null;
        return true;
    }

    private static ProblemHttpResult TenantNotFound(string tenantId) =>
        Problem(StatusCodes.Status404NotFound, "Tenant not found", $"There is no tenant '{tenantId}'.");

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}

public sealed record CreateTenantRequest(string? Id, TenantQuotas? Quotas = null);

public sealed record CreatedTenant(string Tenant, TenantQuotas Quotas, CreatedKey AdminKey);

public sealed record CreateKeyRequest(string? Name, string? Role);

/// <summary>A key just created: <see cref="Key"/> is the only time its secret is shown.</summary>
public sealed record CreatedKey(string Id, string Name, TenantRole Role, DateTimeOffset CreatedAt, string Key)
{
    public static CreatedKey From(StoredApiKey stored, string text) => new(stored.Id, stored.Name, stored.Role, stored.CreatedAt, text);
}

public sealed record SignedIn(string Tenant, TenantRole Role, string? KeyId);

public sealed record QuotaView(TenantQuotas Limits, int RunningSessions, int RunningSimulations);
