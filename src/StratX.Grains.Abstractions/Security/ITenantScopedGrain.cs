namespace StratX.Grains.Security;

/// <summary>
/// Marks a grain class whose key begins with its tenant: "{tenant}" alone or "{tenant}/…". The silo's tenant
/// call filter lets a call reach such a grain only for that tenant, and takes a grain of this kind that makes a
/// call as speaking for the tenant of its own key. A grain keyed otherwise (the model rollout, Orleans' own)
/// must not carry the mark.
/// </summary>
public interface ITenantScopedGrain
{
}
