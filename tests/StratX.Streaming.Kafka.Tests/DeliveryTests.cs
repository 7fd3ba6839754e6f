namespace StratX.Streaming.Kafka.Tests;

/// <summary>Events written through the provider reach their consumers complete and in order.</summary>
public sealed class DeliveryTests(TestKafka kafka) : IClassFixture<TestKafka>
{
    [Fact]
    public async Task Twenty_streams_of_500_events_arrive_at_their_implicit_subscriber_complete_and_in_order_per_stream()
    {
        var postgres = TestPostgres.Require();
        var topic = kafka.NewTopic("delivery");
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, topic, $"delivery-{Guid.NewGuid():N}", postgres);
        var streams = Enumerable.Range(0, 20).Select(i => $"{topic}/car-{i}").ToList();

        await Task.WhenAll(streams.Select(key => cluster.ProduceAsync(key, 0, 500)));

        await Eventually.WaitAsync(
            () => streams.All(s => Deliveries.Of(s).Count >= 500),
            TimeSpan.FromSeconds(30),
            () => string.Join(", ", streams.Select(s => $"{s}={Deliveries.Of(s).Count}")));
        foreach (var key in streams)
        {
            var deliveries = Deliveries.Of(key);
            Assert.Equal(Enumerable.Range(0, 500), deliveries.Select(d => d.Seq));
            // Tokens come from Kafka offsets: increasing within the stream (its partition).
            Assert.True(deliveries.Zip(deliveries.Skip(1)).All(p => p.First.Offset < p.Second.Offset), $"{key}: offsets not increasing");
        }

        // The streams spread over the partitions: more than one queue did the work.
        Assert.True(kafka.LastOffsets(topic).Count > 1);
        Assert.DoesNotContain(cluster.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error && e.Category.StartsWith("StratX.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_event_is_delivered_in_the_request_context_it_was_produced_in()
    {
        // StratX's tenant call filter reads the publisher's tenant from the context a stream item is delivered in.
        var postgres = TestPostgres.Require();
        var topic = kafka.NewTopic("context");
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, topic, $"context-{Guid.NewGuid():N}", postgres);
        var tenants = new Dictionary<string, string?> { [$"{topic}/team-a"] = "team-a", [$"{topic}/team-b"] = "team-b", [$"{topic}/none"] = null };

        foreach (var (key, tenant) in tenants)
        {
            if (tenant is not null)
            {
                RequestContext.Set(Deliveries.TenantKey, tenant);
            }

            try
            {
                await cluster.ProduceAsync(key, 0, 100);
            }
            finally
            {
                RequestContext.Remove(Deliveries.TenantKey);
            }
        }

        await Eventually.WaitAsync(
            () => tenants.Keys.All(s => Deliveries.Of(s).Count >= 100),
            TimeSpan.FromSeconds(30),
            () => string.Join(", ", tenants.Keys.Select(s => $"{s}={Deliveries.Of(s).Count}")));
        foreach (var (key, tenant) in tenants)
        {
            Assert.All(Deliveries.Of(key), d => Assert.Equal(tenant, d.Tenant));
        }
    }
}
