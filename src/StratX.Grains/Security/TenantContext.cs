using StratX.Domain.Identity;

namespace StratX.Grains.Security;

/// <summary>
/// The tenant a grain call acts for, carried in Orleans' request context under <see cref="Key"/>. Orleans sends
/// the request context with every call a caller makes, and the stream providers store it with every item a
/// publisher writes and restore it around the item's delivery; the silo's tenant call filter compares it with the
/// tenant of the grain called. The edge enters the tenant of the authenticated principal; services that act for a
/// session on their own (a replay, the team telemetry source) enter the session's tenant.
/// </summary>
public static class TenantContext
{
    /// <summary>The request context key. Its value is the tenant id's text.</summary>
    public const string Key = "stratx.tenant";

    /// <summary>The tenant the current call acts for; null when none is set or the value is not a valid tenant id.</summary>
    public static TenantId? Current => Read(out var tenant) == TenantContextState.Valid ? tenant : null;

    /// <summary>Acts for <paramref name="tenant"/> until the returned scope is disposed, which restores what was set before.</summary>
    public static IDisposable Enter(TenantId tenant)
    {
        if (tenant.Value is null)
        {
            throw new ArgumentException("The default TenantId names no tenant.", nameof(tenant));
        }

        var previous = RequestContext.Get(Key);
        RequestContext.Set(Key, tenant.Value);
        return new Scope(previous);
    }

    /// <summary>What the request context holds: nothing, a valid tenant id, or something else (refused, never guessed at).</summary>
    internal static TenantContextState Read(out TenantId tenant)
    {
        tenant = default;
        switch (RequestContext.Get(Key))
        {
            case null:
                return TenantContextState.Absent;
            case string text when TenantId.IsValid(text):
                tenant = new TenantId(text);
                return TenantContextState.Valid;
            default:
                return TenantContextState.Malformed;
        }
    }

    private sealed class Scope(object? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (previous is null)
            {
                RequestContext.Remove(Key);
            }
            else
            {
                RequestContext.Set(Key, previous);
            }
        }
    }
}

internal enum TenantContextState
{
    Absent,
    Valid,
    Malformed,
}
