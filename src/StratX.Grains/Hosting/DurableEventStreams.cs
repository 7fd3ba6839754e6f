using Microsoft.Extensions.Configuration;

namespace StratX.Grains.Hosting;

internal static class DurableEventStreams
{
    // PLACEHOLDER until the Kafka provider is merged.
    public static void AddStratXDurableEventStreams(this ISiloBuilder silo, IConfiguration configuration, string connectionString, StreamTuningOptions streams)
    {
        _ = configuration;
        _ = connectionString;
        silo.AddMemoryStreams(OrleansNames.EventStreams, b =>
        {
            b.ConfigurePartitioning(streams.Queues);
            b.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
        });
    }
}
