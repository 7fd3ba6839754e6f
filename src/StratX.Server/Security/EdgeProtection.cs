namespace StratX.Server.Security;

/// <summary>What the edge lets in and how responses are marked (<c>StratX:Edge</c>).</summary>
public sealed class EdgeOptions
{
    public const string Section = "StratX:Edge";

    /// <summary>The largest request body accepted (bytes); a larger one is refused with 413 before it is read.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Browser origins other than the server's own that may call the API and the hub (none by default).</summary>
    public string[] CorsOrigins { get; set; } = [];

    public static EdgeOptions From(IConfiguration config) =>
        config.GetSection(Section).Get<EdgeOptions>() ?? new EdgeOptions();
}

/// <summary>
/// The web edge's protections: a request-body limit, CORS only for configured origins, and security headers on
/// every response (no MIME sniffing, no framing, no referrer, no powerful browser features; a content security
/// policy for StratX's own pages that allows only the server's own scripts and connections).
/// </summary>
public static class EdgeProtection
{
    /// <summary>StratX's own pages: scripts and connections (REST, the SignalR hub) from this origin only.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; " +
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";

    public static void AddStratXEdge(this WebApplicationBuilder builder)
    {
        var options = EdgeOptions.From(builder.Configuration);
        if (options.MaxRequestBodyBytes <= 0)
        {
            throw new InvalidOperationException($"{EdgeOptions.Section}:MaxRequestBodyBytes is {options.MaxRequestBodyBytes}: give a positive number of bytes.");
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (options.CorsOrigins.Length > 0)
            {
                // Credentials: a browser on another origin sends its sign-in with hub and API calls.
                policy.WithOrigins(options.CorsOrigins).AllowAnyHeader().AllowAnyMethod().AllowCredentials();
            }
        }));
    }

    public static void UseStratXEdge(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";

            // The Orleans dashboard is a third-party page with its own scripts: it keeps its own rules.
            if (!context.Request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase)
                && !context.Request.Path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }

            return next(context);
        });
        app.UseCors();
    }
}
