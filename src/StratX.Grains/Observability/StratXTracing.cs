using System.Diagnostics;
using StratX.Domain.Events;

namespace StratX.Grains.Observability;

/// <summary>
/// StratX's spans, on the activity source <see cref="SourceName"/>: an event entering the pipeline
/// (<c>ingest</c>), a grain applying it (<c>apply</c>), the update it caused leaving for the browsers
/// (<c>hub send</c>). The span context crosses streams in Orleans' request context under
/// <see cref="ContextKey"/>, which both stream providers carry with each item, so one lap is one trace from
/// the replay or feed to the SignalR send, on whichever silos its grains live.
/// </summary>
/// <remarks>
/// Timing and race-control events are traced; telemetry batches are not (tens of thousands per race, and
/// each would be a root span). Nothing is started while no tracer listens, so tracing off costs a branch.
/// Spans name the car and lap, never the tenant.
/// </remarks>
public static class StratXTracing
{
    public const string SourceName = "StratX";

    /// <summary>The request-context key holding the W3C traceparent of the span that published an item.</summary>
    public const string ContextKey = "stratx.traceparent";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of an event entering the pipeline from <paramref name="source"/> (replay, team).</summary>
    public static Activity? StartIngest(RaceEvent raceEvent, string source)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity($"ingest {raceEvent.GetType().Name}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("stratx.source", source);
            Describe(activity, raceEvent);
        }

        return activity;
    }

    /// <summary>Starts the span of a grain applying an event, as a child of the span that published it.</summary>
    public static Activity? StartApply(RaceEvent raceEvent)
    {
        if (!Source.HasListeners() || !TryGetPublisher(out var parent))
        {
            return null;
        }

        var activity = Source.StartActivity($"apply {raceEvent.GetType().Name}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            Describe(activity, raceEvent);
        }

        return activity;
    }

    /// <summary>Starts the span of an update leaving for the browsers, as a child of the span that published it.</summary>
    public static Activity? StartHubSend(string updateKind)
    {
        if (!Source.HasListeners() || !TryGetPublisher(out var parent))
        {
            return null;
        }

        var activity = Source.StartActivity($"hub send {updateKind}", ActivityKind.Producer, parent);
        activity?.SetTag("stratx.update", updateKind);
        return activity;
    }

    /// <summary>
    /// While the returned scope lives, stream items published (and grain calls made) from this async flow carry
    /// <paramref name="activity"/> as their publisher. Dispose it once the publish has been issued.
    /// </summary>
    public static CarryScope Carry(Activity? activity)
    {
        if (activity is null)
        {
            return default;
        }

        var previous = RequestContext.Get(ContextKey);
        RequestContext.Set(ContextKey, activity.Id!);
        return new CarryScope(true, previous);
    }

    private static bool TryGetPublisher(out ActivityContext parent)
    {
        parent = default;
        return RequestContext.Get(ContextKey) is string traceParent
            && ActivityContext.TryParse(traceParent, null, isRemote: true, out parent);
    }

    private static void Describe(Activity activity, RaceEvent raceEvent)
    {
        activity.SetTag("stratx.sequence", raceEvent.Sequence);
        switch (raceEvent)
        {
            case LapCompleted lap:
                activity.SetTag("stratx.car", lap.Car.Value);
                activity.SetTag("stratx.lap", lap.LapNumber);
                break;
            case CarEvent carEvent:
                activity.SetTag("stratx.car", carEvent.Car.Value);
                break;
        }
    }

    /// <summary>Restores the request context's publisher when disposed.</summary>
    public readonly struct CarryScope(bool active, object? previous) : IDisposable
    {
        public void Dispose()
        {
            if (!active)
            {
                return;
            }

            if (previous is null)
            {
                RequestContext.Remove(ContextKey);
            }
            else
            {
                RequestContext.Set(ContextKey, previous);
            }
        }
    }
}
