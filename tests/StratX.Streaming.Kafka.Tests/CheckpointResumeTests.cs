using System.Globalization;

namespace StratX.Streaming.Kafka.Tests;

/// <summary>Checkpoints land in PostgreSQL, and a new cluster of the same service resumes after them.</summary>
public sealed class CheckpointResumeTests(TestKafka kafka) : IClassFixture<TestKafka>
{
    [Fact]
    public async Task A_new_cluster_with_the_same_ServiceId_resumes_after_the_checkpoints_without_rereading_the_topic()
    {
        var postgres = TestPostgres.Require();
        var topic = kafka.NewTopic("resume");
        var serviceId = $"resume-{Guid.NewGuid():N}";
        var streams = Enumerable.Range(0, 20).Select(i => $"{topic}/car-{i}").ToList();

        // First cluster: 100 events per stream, delivered and checkpointed.
        await using (var first = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, topic, serviceId, postgres))
        {
            await Task.WhenAll(streams.Select(key => first.ProduceAsync(key, 0, 100)));
            await Eventually.WaitAsync(() => streams.All(s => Deliveries.Of(s).Count >= 100), TimeSpan.FromSeconds(20), () => "first delivery");

            var last = kafka.LastOffsets(topic);
            var expected = last.ToDictionary(p => $"{topic}:{p.Key}", p => p.Value);
            Dictionary<string, long> stored = [];
            await Eventually.WaitAsync(
                async () =>
                {
                    stored = await TestPostgres.CheckpointsAsync(postgres, serviceId, KafkaTestCluster.Provider);
                    return expected.All(e => stored.GetValueOrDefault(e.Key, -1) == e.Value);
                },
                TimeSpan.FromSeconds(10),
                () => $"checkpoints {Show(stored)}, last offsets {Show(expected)}");
            Assert.Equal(expected.Keys.Order(), stored.Keys.Order());
        }

        var before = streams.ToDictionary(s => s, s => Deliveries.Of(s).Count);

        // Second cluster, same ServiceId and topic: 50 more events per stream. Its checkpoint interval is an hour, so
        // after its first write each partition's checkpoint only moves when the silos stop.
        await using (var second = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, topic, serviceId, postgres, tune: o => o.CheckpointInterval = TimeSpan.FromHours(1)))
        {
            await Task.WhenAll(streams.Select(key => second.ProduceAsync(key, 100, 150)));
            await Eventually.WaitAsync(() => streams.All(s => Deliveries.DistinctCount(s) == 150), TimeSpan.FromSeconds(20), () => "second delivery");
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }

        var final = kafka.LastOffsets(topic).ToDictionary(p => $"{topic}:{p.Key}", p => p.Value);
        var flushed = await TestPostgres.CheckpointsAsync(postgres, serviceId, KafkaTestCluster.Provider);
        Assert.True(final.All(e => flushed.GetValueOrDefault(e.Key, -1) == e.Value), $"checkpoints after shutdown {Show(flushed)}, last offsets {Show(final)}");

        var redelivered = 0;
        foreach (var key in streams)
        {
            var afterRestart = Deliveries.Of(key).Skip(before[key]).ToList();
            redelivered += afterRestart.Count(d => d.Seq < 100);
            Assert.Equal(Enumerable.Range(100, 50), afterRestart.Where(d => d.Seq >= 100).Select(d => d.Seq));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"Events of the first cluster delivered again by the second: {redelivered} of {streams.Count * 100}.");
        Assert.Equal(0, redelivered);
    }

    private static string Show(Dictionary<string, long> offsets) =>
        string.Join(", ", offsets.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));
}
