namespace StratX.Grains.Security;

/// <summary>
/// A grain call refused because it did not act for the tenant of the grain it was addressed to. It crosses silos
/// and reaches the client, where the edge answers as if the resource did not exist. The message names the reason
/// and the kind of grain, never a key or a tenant: a caller learns nothing about what it may not see.
/// </summary>
[GenerateSerializer]
public sealed class TenantAccessDeniedException : Exception
{
    public TenantAccessDeniedException()
    {
    }

    public TenantAccessDeniedException(string message)
        : base(message)
    {
    }

    public TenantAccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TenantAccessDeniedException(string reason, string grainType)
        : base($"The call to a {grainType} grain was refused: {reason}.")
    {
        Reason = reason;
    }

    /// <summary>
    /// Why: <c>no-tenant</c>, <c>malformed-tenant</c>, <c>tenant-mismatch</c>, <c>source-mismatch</c> or
    /// <c>invalid-key</c> (see the tenant call filter); null when made with one of the general constructors.
    /// </summary>
    [Id(0)]
    public string? Reason { get; private set; }
}
