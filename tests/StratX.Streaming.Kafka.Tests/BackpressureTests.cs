namespace StratX.Streaming.Kafka.Tests;

/// <summary>A consumer slower than its producer fills a small cache; reading pauses instead of piling up, and nothing is lost.</summary>
public sealed class BackpressureTests(TestKafka kafka) : IClassFixture<TestKafka>
{
    [Fact]
    public async Task A_slow_consumer_puts_its_queue_cache_under_pressure_and_still_gets_every_event_in_order()
    {
        var postgres = TestPostgres.Require();
        var topic = kafka.NewTopic("pressure");
        await using var cluster = await KafkaTestCluster.StartAsync(
            kafka.BootstrapServers, topic, $"pressure-{Guid.NewGuid():N}", postgres, tune: o =>
            {
                o.CacheSize = 32;
                o.MaxBatchMessages = 8;
            });
        var streams = Enumerable.Range(0, 4).Select(i => $"{topic}/slow-{i}").ToList();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(streams.Select(key => cluster.ProduceAsync(key, 0, 150)));
        var produced = watch.Elapsed;

        await Eventually.WaitAsync(
            () => streams.All(s => Deliveries.Of(s).Count >= 150),
            TimeSpan.FromSeconds(30),
            () => string.Join(", ", streams.Select(s => $"{s}={Deliveries.Of(s).Count}")));
        foreach (var key in streams)
        {
            Assert.Equal(Enumerable.Range(0, 150), Deliveries.Of(key).Select(d => d.Seq));
        }

        var pressure = cluster.Logs.Entries.Count(e => e.Message.Contains("under pressure", StringComparison.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Written in {produced.TotalSeconds:F1} s, consumed in {watch.Elapsed.TotalSeconds:F1} s; the pulling agents backed off {pressure} time(s) for a full cache.");
        Assert.True(pressure > 0, "the cache never reported pressure");
    }
}
