using Microsoft.AspNetCore.SignalR;
using StratX.Domain.Identity;
using StratX.Grains.Security;

namespace StratX.Server.Security;

/// <summary>
/// Where the tenant enters the cluster: each request and each hub call acts for the tenant that
/// <see cref="ITenantAccessor"/> resolves, carried to every grain it calls in <see cref="TenantContext"/>. The
/// silos' tenant call filter refuses a call to a grain of any other tenant, and a call with no tenant at all.
/// </summary>
public static class TenantEdge
{
    /// <summary>The hub's calls act for the connection's tenant (see <see cref="TenantHubFilter"/>).</summary>
    public static IServiceCollection AddTenantContext(this IServiceCollection services) =>
        services.Configure<HubOptions>(o => o.AddFilter<TenantHubFilter>());

    /// <summary>
    /// The rest of the pipeline acts for the request's tenant. Placed after authorization, so the tenant comes from
    /// the authenticated principal; a request that resolves to no tenant goes on without one, and any grain it
    /// reaches refuses it.
    /// </summary>
    public static IApplicationBuilder UseTenantContext(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            using (Enter(context.RequestServices.GetRequiredService<ITenantAccessor>(), context))
            {
                await next(context);
            }
        });

    /// <summary>Enters the tenant of <paramref name="context"/>, or nothing when it has none.</summary>
    internal static IDisposable? Enter(ITenantAccessor tenants, HttpContext? context)
    {
        TenantId? tenant = context is null ? null : tenants.Find(context);
        return tenant is { } known ? TenantContext.Enter(known) : null;
    }
}

/// <summary>
/// A hub call is not a request of its own: each method call and connection event enters the tenant of the
/// connection's HTTP context itself rather than relying on what the pipeline around the connection set.
/// </summary>
public sealed class TenantHubFilter(ITenantAccessor tenants) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        using (TenantEdge.Enter(tenants, invocationContext.Context.GetHttpContext()))
        {
            return await next(invocationContext);
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        using (TenantEdge.Enter(tenants, context.Context.GetHttpContext()))
        {
            await next(context);
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        using (TenantEdge.Enter(tenants, context.Context.GetHttpContext()))
        {
            await next(context, exception);
        }
    }
}
