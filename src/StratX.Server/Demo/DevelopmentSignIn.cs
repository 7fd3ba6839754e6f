using StratX.Domain.Identity;
using StratX.Grains.Hosting;
using StratX.Grains.Security;
using StratX.Grains.Tenancy;
using StratX.Server.Security;

namespace StratX.Server.Demo;

/// <summary>
/// The embedded default's sign-in: the demo tenant exists, and a development token for its admin is printed once
/// the server is up, for curl and scripts (the dashboard on this machine signs in by itself through
/// <c>GET /api/v1/auth/dev-token</c>). Cluster mode has none of this.
/// </summary>
public sealed partial class DevelopmentSignIn(
    IConfiguration config,
    IGrainFactory grains,
    TokenIssuer issuer,
    JwtOptions options,
    IHostApplicationLifetime lifetime,
    ILogger<DevelopmentSignIn> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (ClusterHosting.Mode(config) != StratXMode.Embedded)
        {
            return;
        }

        await DemoReplay.WhenStarted(lifetime, stoppingToken);

        using (TenantContext.Enter(TenantId.Demo))
        {
            await grains.GetGrain<ITenantGrain>(TenantId.Demo.Value).EnsureExists();
        }

        var token = issuer.Issue(TenantId.Demo, TenantRole.Admin, "development", null, options.DevelopmentTokenLifetime);
        LogToken(token.Token, token.ExpiresAt);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Development token for the demo tenant's admin (embedded mode only; valid until {ExpiresAt:u}; send it as 'Authorization: Bearer …'): {Token}")]
    private partial void LogToken(string token, DateTimeOffset expiresAt);
}
