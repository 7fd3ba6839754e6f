namespace StratX.Streaming.Kafka.Tests;

/// <summary>A silo dies mid-flow: its queues move to the survivor, which resumes them from their checkpoints.</summary>
public sealed class SiloFailureTests(TestKafka kafka) : IClassFixture<TestKafka>
{
    private const int Events = 300;

    [Fact]
    public async Task A_silo_killed_mid_flow_loses_no_event_and_each_stream_stays_in_order_after_dedupe()
    {
        var postgres = TestPostgres.Require();
        var topic = kafka.NewTopic("kill");
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, topic, $"kill-{Guid.NewGuid():N}", postgres);
        var streams = Enumerable.Range(0, 20).Select(i => $"{topic}/car-{i}").ToList();

        // Writers run throughout, a few milliseconds between events, so the kill lands mid-flow.
        var writing = Task.WhenAll(streams.Select(key => cluster.ProduceAsync(key, 0, Events, TimeSpan.FromMilliseconds(10))));
        await Eventually.WaitAsync(() => streams.Sum(s => Deliveries.Of(s).Count) >= streams.Count * Events / 3, TimeSpan.FromSeconds(30), () => "a third delivered");

        var readersBefore = ReadersStarted(cluster, topic);
        var victim = cluster.Cluster.Silos[1];
        await cluster.Cluster.KillSiloAsync(victim, TestContext.Current.CancellationToken);
        await victim.DisposeAsync(); // the dead process's Kafka clients go away with it
        var deliveredAtKill = streams.Sum(s => Deliveries.DistinctCount(s));

        await writing;
        Assert.True(deliveredAtKill < streams.Count * Events, "everything was delivered before the kill; the test proves nothing");
        await Eventually.WaitAsync(
            () => streams.All(s => Deliveries.DistinctCount(s) == Events),
            TimeSpan.FromSeconds(45),
            () => string.Join(", ", streams.Select(s => $"{s}={Deliveries.DistinctCount(s)}")));

        // The survivor took the victim's partitions over (and read them from their checkpoints).
        Assert.True(ReadersStarted(cluster, topic) > readersBefore, "no partition reader started after the kill");

        var duplicates = 0;
        foreach (var key in streams)
        {
            var (kept, dropped, gap) = Deliveries.Deduped(key);
            Assert.Null(gap);
            Assert.Equal(Enumerable.Range(0, Events), kept);
            duplicates += dropped;
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"Killed {victim.Name} with {deliveredAtKill} of {streams.Count * Events} events delivered; {duplicates} redeliveries after dedupe, none missing.");
    }

    private static int ReadersStarted(KafkaTestCluster cluster, string topic) =>
        cluster.Logs.Entries.Count(e => e.Message.StartsWith($"Reading {topic} partition ", StringComparison.Ordinal));
}
