using StratX.Domain.Identity;

namespace StratX.Server;

/// <summary>
/// Which tenant a request acts for. The tenant only ever comes from the server's side of the edge (today the
/// embedded default tenant; an authenticated principal's claim once authentication is on), never from what a
/// client sends.
/// </summary>
public interface ITenantAccessor
{
    TenantId Current(HttpContext context);
}

/// <summary>The embedded default: everyone is in the demo tenant.</summary>
public sealed class DemoTenantAccessor : ITenantAccessor
{
    public TenantId Current(HttpContext context) => TenantId.Demo;
}
