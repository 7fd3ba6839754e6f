namespace StratX.Grains.Hosting;

/// <summary>How ingestion behaves on a silo.</summary>
public sealed class IngestionOptions
{
    public const string Section = "StratX:Ingestion";

    /// <summary>Stream items a replay may have published that the grains have not applied yet.</summary>
    public int MaxInFlight { get; set; } = 256;

    /// <summary>Telemetry samples per batch at most.</summary>
    public int MaxBatchSamples { get; set; } = 256;

    /// <summary>How long a telemetry sample may wait for its batch to fill before it is sent anyway.</summary>
    public TimeSpan TelemetryFlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a running replay tells its session how it is going.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a finished replay waits for the grains to apply what is still in flight.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
