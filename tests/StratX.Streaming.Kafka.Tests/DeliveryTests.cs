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
}
