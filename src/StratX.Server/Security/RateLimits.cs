using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;

namespace StratX.Server.Security;

/// <summary>How much one tenant may ask of the API, and how many failed sign-ins one address may make (<c>StratX:RateLimits</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "StratX:RateLimits";

    /// <summary>API requests (<c>/api/…</c>) one tenant may make per <see cref="Window"/>; 0 turns the limit off.</summary>
    public int TenantPermits { get; set; } = 6000;

    /// <summary>API requests one API key (or a token exchanged for it) may make per <see cref="Window"/>; 0 turns the limit off.</summary>
    public int KeyPermits { get; set; } = 3000;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Failed sign-ins (a wrong operator or API key) one client address may make per <see cref="Window"/> before every attempt from it gets 429.</summary>
    public int FailedSignInPermits { get; set; } = 10;

    public static RateLimitOptions From(IConfiguration config) =>
        config.GetSection(Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
}

/// <summary>
/// Limits on the API (ASP.NET Core's rate limiter, chained fixed windows: one per tenant, so one team cannot
/// starve another of the API, one per API key, so one runaway integration cannot use up its team's share, and one
/// per client address for requests not signed in as a team) and a limit on failed sign-ins per client address (key guessing). Over either
/// limit: 429 with <c>Retry-After</c> and a problem document. Health, metrics, static files and the hub are not
/// limited here.
/// </summary>
public static class RateLimits
{
    public static void AddStratXRateLimits(this WebApplicationBuilder builder)
    {
        var options = RateLimitOptions.From(builder.Configuration);
        if (options.Window <= TimeSpan.Zero || options.TenantPermits < 0 || options.KeyPermits < 0 || options.FailedSignInPermits < 1)
        {
            throw new InvalidOperationException($"{RateLimitOptions.Section}: Window must be positive, TenantPermits and KeyPermits 0 (off) or more, FailedSignInPermits 1 or more.");
        }

        builder.Services.AddSingleton(new SignInFailures(options));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : options.Window;
                return new ValueTask(WriteTooManyAsync(context.HttpContext, retryAfter, "This tenant or key has made more API requests than its limit allows; try again later."));
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                Partitioned(options.TenantPermits, context =>
                    context.RequestServices.GetRequiredService<ITenantAccessor>().Find(context) is { } tenant
                        ? "tenant:" + tenant.Value
                        : "address:" + context.Connection.RemoteIpAddress),
                Partitioned(options.KeyPermits, context => context.User.FindFirst(TeamClaims.Key)?.Value is { } key ? "key:" + key : null));
        });

        // A fixed window per partition on /api; requests without a partition (or with the limit off) pass.
        PartitionedRateLimiter<HttpContext> Partitioned(int permits, Func<HttpContext, string?> partition) =>
            PartitionedRateLimiter.Create<HttpContext, string>(context =>
                permits == 0 || !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || partition(context) is not { } name
                    ? RateLimitPartition.GetNoLimiter("unlimited")
                    : RateLimitPartition.GetFixedWindowLimiter(name, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = options.Window, QueueLimit = 0 }));
    }

    /// <summary>429 with how long to wait, as a problem document.</summary>
    public static Task WriteTooManyAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        }).AsTask();
    }
}

/// <summary>Failed sign-ins per client address in a fixed window: once over, the address is refused until the window ends.</summary>
public sealed class SignInFailures(RateLimitOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.FailedSignInPermits,
            Window = options.Window,
            QueueLimit = 0,
        }));

    public TimeSpan Window => options.Window;

    /// <summary>Records a failed sign-in of the address.</summary>
    public void Record(IPAddress? address) => _failures.AttemptAcquire(address ?? IPAddress.None).Dispose();

    /// <summary>Whether the address is over its limit now (asked before a key is even compared).</summary>
    public bool IsBlocked(IPAddress? address) =>
        _failures.GetStatistics(address ?? IPAddress.None) is { CurrentAvailablePermits: <= 0 };

    public void Dispose() => _failures.Dispose();
}
