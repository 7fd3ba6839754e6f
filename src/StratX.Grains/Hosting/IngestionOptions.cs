namespace StratX.Grains.Hosting;

/// <summary>How ingestion behaves on a silo.</summary>
public sealed class IngestionOptions
{
    public const string Section = "StratX:Ingestion";

    /// <summary>
    /// Stream items a replay may have published that the grains have not applied yet. Small on purpose:
    /// everything in flight is queued work that each live update waits behind. On the 2-core reference
    /// machine 8 keeps ingest-to-client p99 under 100 ms at full speed and still moves ~180k events/s
    /// (a telemetry item carries up to <see cref="MaxBatchSamples"/> samples); 256 gave p99 ~0.3 s.
    /// </summary>
    public int MaxInFlight { get; set; } = 8;

    /// <summary>
    /// Issue a replay's stream writes without waiting for each to complete (the in-flight window still bounds
    /// them). Only for a provider that keeps writes in call order: on in cluster mode (the Kafka provider,
    /// where a write completes when the brokers have it), off embedded (a memory-stream write is a grain call,
    /// and two calls in flight are not ordered).
    /// </summary>
    public bool PipelinedWrites { get; set; }

    /// <summary>Telemetry samples per batch at most. Embedded: 256. Cluster: 1024 (each item is a durable write).</summary>
    public int MaxBatchSamples { get; set; } = 256;

    /// <summary>How long a telemetry sample may wait for its batch to fill before it is sent anyway.</summary>
    public TimeSpan TelemetryFlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A car writes its state with every timing event and after this many telemetry batches (and by a 5 s
    /// timer). Embedded: 32, telemetry changes little worth a write. Cluster: 1, so that what a durable source
    /// checkpoints as delivered is also written, and a silo's death loses no sample.
    /// </summary>
    public int TelemetryBatchesPerWrite { get; set; } = 32;

    /// <summary>How often a running replay tells its session how it is going.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a session with a running replay checks that the replay is still running on the silo that
    /// owns it, and resumes it from the grains' last applied position when it is not (its silo died). This
    /// bounds part of the time a replay stands still after a failure.
    /// </summary>
    public TimeSpan ResumeCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a finished replay waits for the grains to apply what is still in flight.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
