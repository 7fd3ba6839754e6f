using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Metadata;
using StratX.Domain.Identity;
using StratX.Grains.Observability;

namespace StratX.Grains.Security;

/// <summary>
/// Every silo's check that a call to a tenant's grain (<see cref="ITenantScopedGrain"/>) acts for that tenant,
/// denying by default. Isolation then no longer rests only on every caller building keys from the right tenant:
/// a key built from the wrong one, or a call that says for whom it acts nowhere, stops here.
/// </summary>
/// <remarks>
/// <para>
/// The caller's tenant is <see cref="TenantContext"/> (the request context the call, or the stream item being
/// delivered, came with). When the call comes from a tenant's grain, that grain's key says for whom it acts as
/// well, and both must name the target's tenant: a grain of one tenant cannot reach another's by setting the
/// context. A call with neither is refused, except for the few calls the runtime makes on a grain's own behalf
/// and that carry no race data (a reminder of its own, a stream's handshake and error notices, which come from
/// silo services without a context). Grain timers come from the grain itself, so they pass on the source.
/// </para>
/// <para>
/// An admitted call runs with the target's tenant in its context, so whatever the grain calls or publishes during
/// it (a timer's update, a reminder's replay) says for whom it acts. Calls to other grains and to silo services
/// pass untouched.
/// </para>
/// </remarks>
public sealed partial class TenantCallFilter(GrainClassMap grainClasses, StratXMetrics metrics, ILogger<TenantCallFilter> logger)
    : IIncomingGrainCallFilter
{
    /// <summary>The denial reasons, the values of the counter's <c>reason</c> dimension.</summary>
    public static readonly IReadOnlyList<string> Reasons = [NoTenant, MalformedTenant, TenantMismatch, SourceMismatch, InvalidKey];

    private const string NoTenant = "no-tenant";
    private const string MalformedTenant = "malformed-tenant";
    private const string TenantMismatch = "tenant-mismatch";
    private const string SourceMismatch = "source-mismatch";
    private const string InvalidKey = "invalid-key";

    /// <summary>Orleans' stream consumer extension is internal: known by name.</summary>
    private const string StreamConsumerExtension = "Orleans.Streams.IStreamConsumerExtension";

    private readonly ConcurrentDictionary<GrainType, bool> _tenantScoped = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.TargetContext.GrainInstance is not ITenantScopedGrain)
        {
            return context.Invoke();
        }

        if (!TenantKeys.TryGetTenant(context.TargetId.Key.ToString(), out var target))
        {
            return Deny(context, InvalidKey, null, TenantContextState.Absent, default);
        }

        var state = TenantContext.Read(out var caller);
        if (state == TenantContextState.Malformed)
        {
            return Deny(context, MalformedTenant, target, state, caller);
        }

        if (context.SourceId is { } source && IsTenantScoped(source.Type))
        {
            if (!TenantKeys.TryGetTenant(source.Key.ToString(), out var sourceTenant) || sourceTenant != target)
            {
                return Deny(context, SourceMismatch, target, state, caller);
            }
        }
        else if (state == TenantContextState.Absent && !IsRuntimeSignal(context))
        {
            return Deny(context, NoTenant, target, state, caller);
        }

        if (state == TenantContextState.Valid)
        {
            return caller == target ? context.Invoke() : Deny(context, TenantMismatch, target, state, caller);
        }

        return InvokeAs(context, target);
    }

    private static async Task InvokeAs(IIncomingGrainCallContext context, TenantId tenant)
    {
        using (TenantContext.Enter(tenant))
        {
            await context.Invoke();
        }
    }

    /// <summary>
    /// A call the runtime makes on the grain's own behalf, from a silo service, carrying no race data: the
    /// delivery of a reminder the grain registered for itself, and a stream's handshake (which asks the consumer
    /// where to start) and error notice. Stream items themselves come with their publisher's context.
    /// </summary>
    private static bool IsRuntimeSignal(IIncomingGrainCallContext context) =>
        context.SourceId is { } source && source.IsSystemTarget() && (context.InterfaceName, context.MethodName) switch
        {
            (_, nameof(IRemindable.ReceiveReminder)) when context.InterfaceMethod.DeclaringType == typeof(IRemindable) => true,
            (StreamConsumerExtension, "GetSequenceToken" or "ErrorInStream") => true,
            _ => false,
        };

    private bool IsTenantScoped(GrainType type) =>
        _tenantScoped.GetOrAdd(type, static (t, classes) => classes.TryGetGrainClass(t, out var grainClass) && typeof(ITenantScopedGrain).IsAssignableFrom(grainClass), grainClasses);

    private Task Deny(IIncomingGrainCallContext context, string reason, TenantId? target, TenantContextState state, TenantId caller)
    {
        var grainType = context.TargetId.Type.ToString();
        metrics.GrainCallDenied(reason);
        LogDenied(
            reason,
            grainType,
            target?.Value ?? "(none)",
            state switch
            {
                TenantContextState.Valid => caller.Value,
                TenantContextState.Malformed => "(malformed)",
                _ => "(none)",
            },
            context.SourceId?.Type.ToString() ?? "(unknown)",
            context.SourceId is { } source && IsTenantScoped(source.Type) && TenantKeys.TryGetTenant(source.Key.ToString(), out var sourceTenant) ? sourceTenant.Value : "-",
            context.InterfaceName,
            context.MethodName);
        return Task.FromException(new TenantAccessDeniedException(reason, grainType));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a grain call ({Reason}): a {GrainType} grain of tenant {TargetTenant} called for tenant {CallerTenant} from {SourceType} (its tenant {SourceTenant}), {Interface}.{Method}")]
    private partial void LogDenied(string reason, string grainType, string targetTenant, string callerTenant, string sourceType, string sourceTenant, string @interface, string method);
}
