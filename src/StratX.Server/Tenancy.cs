using StratX.Domain.Identity;
using StratX.Server.Security;

namespace StratX.Server;

/// <summary>
/// Which tenant a request acts for. The tenant only ever comes from the signed-in principal's claims (a token
/// StratX validated, or an API key it verified), never from anything else a client sends.
/// </summary>
public interface ITenantAccessor
{
    /// <summary>The request's tenant; null when it is not signed in as a team member.</summary>
    TenantId? Find(HttpContext context);

    /// <summary>The tenant of a request that passed a tenant policy (every tenant endpoint requires one).</summary>
    TenantId Current(HttpContext context) =>
        Find(context) ?? throw new InvalidOperationException("The request has no tenant: its endpoint must require a tenant policy.");
}

/// <summary>Reads the tenant from the principal's <see cref="TeamClaims.Tenant"/> claim.</summary>
public sealed class ClaimsTenantAccessor : ITenantAccessor
{
    public TenantId? Find(HttpContext context) => TeamClaims.TenantOf(context.User);
}
