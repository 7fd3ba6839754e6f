using System.Buffers;
using System.Diagnostics;

namespace StratX.Server.Observability;

/// <summary>
/// Gives every request a correlation id: the caller's <c>X-Correlation-Id</c> when it is a sane token, else the
/// request's trace id (or ASP.NET Core's request id when nothing traces). It is echoed in the response header,
/// is the <c>traceId</c> of error responses, and is a logging scope (<c>CorrelationId</c>) on every entry the
/// request writes.
/// </summary>
public static class CorrelationId
{
    public const string Header = "X-Correlation-Id";

    private const int MaxLength = 64;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    public static IApplicationBuilder UseCorrelationId(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CorrelationId).FullName!);
        return app.Use(async (context, next) =>
        {
            var id = From(context.Request.Headers[Header].ToString())
                ?? Activity.Current?.TraceId.ToHexString()
                ?? context.TraceIdentifier;
            context.TraceIdentifier = id;
            context.Response.Headers[Header] = id;
            using (logger.BeginScope("CorrelationId:{CorrelationId}", id))
            {
                await next(context);
            }
        });
    }

    /// <summary>The caller's id when it is 1–64 characters of letters, digits and <c>-_.:</c>; else null (never echoed).</summary>
    public static string? From(string? header) =>
        header is { Length: > 0 and <= MaxLength } && !header.AsSpan().ContainsAnyExcept(Allowed) ? header : null;
}
