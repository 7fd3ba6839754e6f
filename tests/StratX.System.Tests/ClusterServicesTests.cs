using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using StratX.Domain.Identity;
using StratX.Grains.TeamTelemetry;
using StratX.Grains.Tests;

namespace StratX.System.Tests;

/// <summary>
/// What a cluster of silo processes does beside replaying: team telemetry from Kafka with a dead-letter topic,
/// and model rollouts that reach every node.
/// </summary>
[Trait("Category", "Failover")]
public sealed class ClusterServicesTests(SystemFixture fixture, ITestOutputHelper output) : IClassFixture<SystemFixture>
{
    [Fact]
    public async Task Team_telemetry_sent_to_a_cluster_dead_letters_each_bad_message_with_its_reason_and_applies_the_good_ones()
    {
        SystemFixture.SkipWithoutPostgres();
        var cluster = await fixture.NewClusterAsync("team");
        var topic = $"{cluster.ClusterId}-telemetry";
        var deadLetters = $"{cluster.ClusterId}-dead-letter";
        fixture.CreateTopic(topic, 4);
        fixture.CreateTopic(deadLetters, 1);
        var nodes = await SystemFixture.StartNodesAsync(cluster, 2, settings: new Dictionary<string, string>
        {
            ["StratX__TeamTelemetry__Enabled"] = "true",
            ["StratX__TeamTelemetry__Topic"] = topic,
            ["StratX__TeamTelemetry__DeadLetterTopic"] = deadLetters,
        });
        try
        {
            // The race's timing only: the cars' telemetry comes from the team.
            const string session = "team";
            var started = await nodes[0].Http.PostAsJsonAsync("/api/v1/sessions", new { race = SystemFixture.Race, speed = "max", sessionId = session, includeTelemetry = false }, SystemFixture.Json, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            // As long as the failover runs allow theirs: on a CI machine shared with them a full-speed replay through
            // Kafka and PostgreSQL once took over 3 minutes.
            await SystemFixture.WaitFinishedAsync(nodes[0], session, TimeSpan.FromMinutes(5));

            // Hamilton's car data from lap 20 of the race, in messages of 50 samples.
            var car = new SessionKey(TenantId.Demo, new SessionId(session)).Car(new CarId("44"));
            var lap = RealTelemetry.Laps(44, 20)[0];
            var c = RealTelemetry.Car(44).Where(r => r.At >= lap.Start).Take(250).Chunk(50).ToList();
            var seq1 = RealTelemetry.Json(car, 1, c[0]);
            var car99 = car.Session.Car(new CarId("99"));
            var messages = new (string What, byte[] Value, string? Reason, CarKey Key)[]
            {
                ("seq 1", seq1, null, car),
                ("seq 2 cut short", RealTelemetry.Json(car, 2, c[1])[..120], "not-json", car),
                ("seq 2 with a speed of 450", RealTelemetry.Json(car, 2, c[1], (i, s) => i == 3 ? s.Replace($"\"speed\":{c[1][3].Speed}", "\"speed\":450", StringComparison.Ordinal) : s), "schema", car),
                ("seq 2", RealTelemetry.Json(car, 2, c[1]), null, car),
                ("seq 1 again", seq1, "duplicate", car),
                ("car 99", RealTelemetry.Json(car99, 1, c[2]), "unknown-car", car99),
                ("seq 4, seq 3 missing", RealTelemetry.Json(car, 4, c[3]), "sequence-gap", car),
                ("70 KiB of padding", Encoding.UTF8.GetBytes($"{{\"pad\":\"{new string('x', 70_000)}\"}}"), "oversized", car),
                ("seq 5", RealTelemetry.Json(car, 5, c[4]), null, car),
            };

            using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.KafkaBootstrap, Acks = Acks.All }).Build();
            var sent = new List<(string What, string? Reason, TopicPartitionOffset At, byte[] Value)>();
            foreach (var (what, value, reason, key) in messages)
            {
                var delivered = await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key.ToString(), Value = value }, TestContext.Current.CancellationToken);
                sent.Add((what, reason, delivered.TopicPartitionOffset, value));
            }

            // Every bad message is on the dead-letter topic once, with its reason and its bytes.
            var bad = sent.Where(s => s.Reason is not null).ToList();
            var letters = ReadDeadLetters(cluster.KafkaBootstrap, deadLetters, bad.Count, TimeSpan.FromSeconds(60));
            Assert.Equal(bad.Count, letters.Count);
            foreach (var (what, reason, at, value) in bad)
            {
                var letter = letters.SingleOrDefault(l => Header(l, TeamTelemetryDeadLetter.SourceOffsetHeader) == at.Offset.Value.ToString(CultureInfo.InvariantCulture)
                    && Header(l, TeamTelemetryDeadLetter.SourcePartitionHeader) == at.Partition.Value.ToString(CultureInfo.InvariantCulture));
                Assert.True(letter is not null, $"{what} is not on the dead-letter topic");
                Assert.Equal((what, reason), (what, Header(letter, TeamTelemetryDeadLetter.ReasonHeader)));
                Assert.False(string.IsNullOrWhiteSpace(Header(letter, TeamTelemetryDeadLetter.DetailHeader)));
                Assert.Equal(value, letter.Message.Value);
            }

            output.WriteLine($"{sent.Count} messages sent, {letters.Count} dead-lettered: {string.Join(", ", letters.Select(l => Header(l, TeamTelemetryDeadLetter.ReasonHeader)))}");

            // The good ones reached the car, on either node: its latest sample is seq 5's last.
            var last = c[4][^1];
            foreach (var node in nodes)
            {
                var latest = await Eventually(async () =>
                {
                    var view = JsonNode.Parse(await node.Http.GetStringAsync($"/api/v1/sessions/{session}/cars/44"));
                    return view?["latestTelemetry"] is { } t && (long)t["utcTicks"]! == last.At.UtcTicks ? t : null;
                }, $"car 44 on {node.Name} shows seq 5's last sample");
                Assert.Equal(last.Speed, (int)latest["speed"]!);
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Nodes_are_ready_with_their_database_and_log_and_a_model_rollout_made_on_one_reaches_the_other_and_so_does_its_rollback()
    {
        SystemFixture.SkipWithoutPostgres();
        var cluster = await fixture.NewClusterAsync("models");
        var nodes = await SystemFixture.StartNodesAsync(cluster, 2, settings: new Dictionary<string, string>
        {
            ["StratX__Models__RolloutPollInterval"] = "00:00:00.500",
            ["StratX__Observability__LogFormat"] = "json",
        });
        try
        {
            foreach (var node in nodes)
            {
                var ready = JsonNode.Parse(await node.Http.GetStringAsync("/health/ready", TestContext.Current.CancellationToken))!;
                var checks = ready["checks"]!.AsObject();
                Assert.Equal(["kafka", "models", "postgresql", "silo"], checks.Select(c => c.Key).Order());
                Assert.All(checks, c => Assert.True((string?)c.Value!["status"] == "Healthy", $"{node.Name}: {c.Key} is {c.Value!.ToJsonString()}"));
                Assert.Equal($"3 broker(s); topic {cluster.Topic} with {cluster.Partitions} partition(s)", (string?)checks["kafka"]!["description"]);
                Assert.Equal("2 active silo(s)", (string?)checks["silo"]!["description"]);
            }

            const string task = "pit-next-lap";
            var started = await ActiveVersion(nodes[1], task);
            var other = (await Task(nodes[1], task))["versions"]!.AsArray().Select(v => (int)v!).First(v => v != started);

            var correlation = $"rollout-{Guid.NewGuid():N}";
            using var rolloutRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/models/{task}/rollout") { Content = JsonContent.Create(new { version = other }, options: SystemFixture.Json) };
            rolloutRequest.Headers.Add("X-Correlation-Id", correlation);
            rolloutRequest.Headers.Add("X-Operator-Key", SiloProcess.OperatorKey);
            var rollout = await nodes[0].Http.SendAsync(rolloutRequest, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, rollout.StatusCode);
            Assert.Equal(correlation, rollout.Headers.GetValues("X-Correlation-Id").Single());
            await Eventually(async () => await ActiveVersion(nodes[1], task) == other ? "" : null, $"node 2 runs {task} v{other}");
            Assert.Equal(other, (int?)(await Task(nodes[1], task))["clusterVersion"]);

            // Models are the platform's: a tenant's admin cannot change them, the operator can.
            Assert.Equal(HttpStatusCode.Unauthorized, (await nodes[1].Http.PostAsync($"/api/v1/models/{task}/rollback", null, TestContext.Current.CancellationToken)).StatusCode);
            using var rollbackRequest = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/models/{task}/rollback");
            rollbackRequest.Headers.Add("X-Operator-Key", SiloProcess.OperatorKey);
            var rollback = await nodes[1].Http.SendAsync(rollbackRequest, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
            await Eventually(async () => await ActiveVersion(nodes[0], task) == started ? "" : null, $"node 1 runs {task} v{started} again");
            output.WriteLine($"{task}: v{started} → v{other} from node 1, seen on node 2; rolled back from node 2, seen on node 1");

            // Logs are JSON lines; the rollout's entry carries the request's correlation id as a scope.
            var lines = nodes[0].LogLines();
            Assert.NotEmpty(lines);
            var entries = lines.Select(line => JsonNode.Parse(line)!).ToList();
            Assert.All(entries, e => Assert.NotNull((string?)e["LogLevel"]));
            var rolledOut = Assert.Single(entries, e => ((string?)e["Message"])?.StartsWith($"Model task {task} rolled out to v{other}", StringComparison.Ordinal) == true);
            Assert.Equal(correlation, (string?)rolledOut["Scopes"]!.AsArray().Single(s => s?["CorrelationId"] is not null)!["CorrelationId"]);
            Assert.NotNull((string?)rolledOut["Timestamp"]);
            output.WriteLine($"node 1 wrote {entries.Count} JSON log entries; the rollout's: {rolledOut.ToJsonString()}");

            // The Orleans dashboard is operators' only: a team's token does not open it, the operator key does.
            Assert.Equal(HttpStatusCode.Unauthorized, (await nodes[0].Http.GetAsync("/dashboard/ClusterStats", TestContext.Current.CancellationToken)).StatusCode);
            // The embedded default's development sign-in does not exist in a cluster, even for the machine itself.
            Assert.Equal(HttpStatusCode.NotFound, (await nodes[0].Http.GetAsync("/api/v1/auth/dev-token", TestContext.Current.CancellationToken)).StatusCode);
            using var dashboard = new HttpRequestMessage(HttpMethod.Get, "/dashboard/ClusterStats");
            dashboard.Headers.Add("X-Operator-Key", SiloProcess.OperatorKey);
            Assert.Equal(HttpStatusCode.OK, (await nodes[0].Http.SendAsync(dashboard, TestContext.Current.CancellationToken)).StatusCode);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<JsonNode> Task(SiloProcess node, string task) =>
        JsonNode.Parse(await node.Http.GetStringAsync("/api/v1/models"))!.AsArray().Single(t => (string)t!["task"]! == task)!;

    private static async Task<int?> ActiveVersion(SiloProcess node, string task) => (int?)(await Task(node, task))["activeVersion"];

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await global::System.Threading.Tasks.Task.Delay(200);
        }

        throw new TimeoutException($"Timed out waiting until {what}.");
    }

    private static List<ConsumeResult<string, byte[]>> ReadDeadLetters(string bootstrap, string topic, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = $"reader-{Guid.NewGuid():N}", EnableAutoCommit = false }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var found = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { Message: not null } letter)
            {
                found.Add(letter);
            }
            else if (found.Count >= expected)
            {
                break;
            }
        }

        return found;
    }

    private static string? Header(ConsumeResult<string, byte[]> letter, string name) => TeamTelemetryDeadLetter.Header(letter.Message.Headers, name);
}
