namespace StratX.Grains;

/// <summary>Every Orleans provider and stream name StratX uses, in one place.</summary>
public static class OrleansNames
{
    /// <summary>
    /// Carries what sources report (timing, telemetry, race control) to the grains. Only grains consume it,
    /// through implicit subscriptions, so it runs without pub/sub bookkeeping.
    /// </summary>
    public const string EventStreams = "race-events";

    /// <summary>
    /// Carries state changes from the grains to whoever watches a session (each web node's forwarder). Those
    /// subscribers come and go at run time, so this provider keeps explicit subscriptions.
    /// </summary>
    public const string UpdateStreams = "race-updates";

    /// <summary>Grain state of sessions, cars and stints.</summary>
    public const string RaceStateStorage = "race-state";

    /// <summary>Where explicit stream subscriptions are kept (the name Orleans looks for).</summary>
    public const string PubSubStorage = "PubSubStore";

    /// <summary>A car's laps, stints and pit stops, keyed "{tenant}/{session}/{car}".</summary>
    public const string TimingNamespace = "timing";

    /// <summary>A car's telemetry batches, keyed "{tenant}/{session}/{car}".</summary>
    public const string TelemetryNamespace = "telemetry";

    /// <summary>Session-wide events (track status, weather, race control), keyed "{tenant}/{session}".</summary>
    public const string RaceControlNamespace = "race-control";

    /// <summary>State changes of a session and its cars, keyed "{tenant}/{session}".</summary>
    public const string UpdatesNamespace = "updates";
}
