using StratX.Domain.Identity;

namespace StratX.Grains.Security;

/// <summary>The tenant at the start of a grain or stream key: "{tenant}" alone or "{tenant}/…".</summary>
public static class TenantKeys
{
    /// <summary>False when the key does not begin with a valid tenant id.</summary>
    public static bool TryGetTenant(string? key, out TenantId tenant)
    {
        tenant = default;
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        var end = key.IndexOf('/', StringComparison.Ordinal);
        var text = end < 0 ? key : key[..end];
        if (!TenantId.IsValid(text))
        {
            return false;
        }

        tenant = new TenantId(text);
        return true;
    }
}
