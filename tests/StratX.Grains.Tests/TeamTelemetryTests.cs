using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StratX.Domain.Identity;
using StratX.Domain.Recordings;
using StratX.Grains.Ingestion;
using StratX.Grains.Security;
using StratX.Grains.TeamTelemetry;
using StratX.Streaming.Kafka;
using StratX.Tests;

namespace StratX.Grains.Tests;

/// <summary>
/// Two silos whose team telemetry sources consume a librdkafka mock cluster, with the 2024 Chinese Grand Prix
/// replayed (timing only) into <see cref="Session"/>, so the session has its real 20 cars and their laps.
/// </summary>
public sealed class TeamTelemetryCluster : TwoSiloCluster
{
    public const string Topic = "stratx.telemetry";

    public const string DeadLetterTopic = "stratx.telemetry.dead-letter";

    /// <summary>Another team's own topic (StratX:TeamTelemetry:TenantTopics): it speaks for that team only.</summary>
    public const string OtherTeamTopic = "other-team.telemetry";

    public const string OtherTeam = "other-team";

    public const string ConsumerGroup = "stratx-team-telemetry-test";

    public const int Partitions = 3;

    public static readonly SessionKey Session = new(TenantId.Demo, new SessionId("team-china"));

    /// <summary>A session whose replay (stopped at once) carried the recording's car telemetry.</summary>
    public static readonly SessionKey ReplayedTelemetrySession = new(TenantId.Demo, new SessionId("china-with-telemetry"));

    public static string ChinaFolder => RealTelemetry.ChinaFolder;

    public KafkaMockCluster Kafka { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        Kafka = KafkaMockCluster.Start(1);
        Kafka.CreateTopic(Topic, Partitions);
        Kafka.CreateTopic(DeadLetterTopic, 1);
        Kafka.CreateTopic(OtherTeamTopic, 1);
        await base.InitializeAsync();

        // The fixture sets the sessions up as their tenant would.
        using var tenant = TenantContext.Enter(Session.Tenant);
        var replayed = Grains.GetGrain<ISessionGrain>(ReplayedTelemetrySession.ToString());
        await replayed.StartReplay(new ReplayRequest
        {
            Session = ReplayedTelemetrySession,
            Recording = new RecordingLocation { Format = RecordingFormat.OpenF1Folder, Path = ChinaFolder },
            Speed = 1,
        });
        await replayed.StopReplay();

        var grain = Grains.GetGrain<ISessionGrain>(Session.ToString());
        await grain.StartReplay(new ReplayRequest
        {
            Session = Session,
            Recording = new RecordingLocation { Format = RecordingFormat.OpenF1Folder, Path = ChinaFolder },
            IncludeTelemetry = false,
        });
        var waited = Stopwatch.StartNew();
        IngestionStatus? status;
        while ((status = await grain.GetIngestion()) is { IsFinished: false })
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"The China replay did not finish: {status.State}, {status.Applied}/{status.Published} applied.");
            }

            await Task.Delay(100);
        }

        if (status is not { State: IngestionState.Completed, Rejected: 0 })
        {
            throw new InvalidOperationException($"The China replay ended {status?.State}: {status?.Error}");
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Kafka.Dispose();
    }

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        base.ConfigureSilo(silo);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["StratX:TeamTelemetry:Enabled"] = "true",
            // The source falls back to the shared Kafka section for its connection.
            ["Kafka:BootstrapServers"] = Kafka.BootstrapServers,
            ["StratX:TeamTelemetry:ConsumerGroup"] = ConsumerGroup,
            [$"StratX:TeamTelemetry:TenantTopics:{OtherTeamTopic}"] = OtherTeam,
            ["StratX:TeamTelemetry:CommitInterval"] = "00:00:00.200",
            ["StratX:TeamTelemetry:ConsumerSettings:heartbeat.interval.ms"] = "500",
            ["StratX:TeamTelemetry:ConsumerSettings:session.timeout.ms"] = "6000",
        }).Build();
        silo.AddStratXTeamTelemetry(configuration);
    }

    /// <summary>The source of every silo.</summary>
    public IReadOnlyList<TeamTelemetrySource> Sources => [.. Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<TeamTelemetrySource>())];
}

/// <summary>Team telemetry from a Kafka topic into the cars of a real session, through two silos.</summary>
public sealed class TeamTelemetryTests(TeamTelemetryCluster cluster) : IClassFixture<TeamTelemetryCluster>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Good_messages_of_a_car_are_applied_while_every_bad_kind_around_them_goes_to_the_dead_letter_topic_with_its_reason_and_original_bytes()
    {
        // Hamilton's car data over his laps 19 and 20 (laps.json: 07:34:57.075 + 102.854 s, 07:36:39.962 + 103.115 s),
        // a few seconds either side, cut into messages of 60 samples: c[0] .. c[12].
        var laps = RealTelemetry.Laps(44, 19, 20);
        var rows = RealTelemetry.Car(44).Where(r => r.At >= laps[0].Start.AddSeconds(-2) && r.At <= laps[1].End.AddSeconds(3)).ToList();
        var c = rows.Chunk(60).ToList();
        Assert.Equal(13, c.Count);
        var car = TeamTelemetryCluster.Session.Car(new CarId("44"));
        using var tenant = TenantContext.Enter(car.Session.Tenant);

        var sent = new List<Sent>();
        using var producer = Producer();
        async Task Send(string what, byte[] value, string? reason, CarKey? key = null, string topic = TeamTelemetryCluster.Topic)
        {
            var keyBytes = Encoding.UTF8.GetBytes((key ?? car).ToString());
            var delivered = await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = keyBytes, Value = value }, TestContext.Current.CancellationToken);
            sent.Add(new Sent(what, keyBytes, value, reason, delivered.TopicPartitionOffset));
        }

        var seq2 = RealTelemetry.Json(car, 2, c[1]);
        var seq3 = RealTelemetry.Json(car, 3, c[2]);
        await Send("seq 1", RealTelemetry.Json(car, 1, c[0]), null);
        await Send("seq 2 cut off half way", seq2[..(seq2.Length / 2)], "not-json");
        await Send("seq 2", seq2, null);
        await Send("seq 3 without seq", RealTelemetry.Json(car, null, c[2]), "schema");
        await Send("seq 3 with a speed in quotes", RealTelemetry.Json(car, 3, c[2], (i, s) => i == 5 ? s.Replace($"\"speed\":{c[2][5].Speed}", $"\"speed\":\"{c[2][5].Speed}\"", StringComparison.Ordinal) : s), "schema");
        await Send("seq 3 with a speed of 401 km/h", RealTelemetry.Json(car, 3, c[2], (i, s) => i == 7 ? s.Replace($"\"speed\":{c[2][7].Speed}", "\"speed\":401", StringComparison.Ordinal) : s), "schema");
        await Send("seq 3", seq3, null);
        var car99 = TeamTelemetryCluster.Session.Car(new CarId("99"));
        await Send("car 99, not in the race", RealTelemetry.Json(car99, 1, c[3]), "unknown-car", car99);
        var nowhere = new SessionKey(TenantId.Demo, new SessionId("no-such-race")).Car(new CarId("44"));
        await Send("a session that does not exist", RealTelemetry.Json(nowhere, 1, c[3]), "unknown-session", nowhere);
        var replayedCar = TeamTelemetryCluster.ReplayedTelemetrySession.Car(new CarId("44"));
        await Send("a session replaying its recorded telemetry", RealTelemetry.Json(replayedCar, 1, c[3]), "replayed-telemetry", replayedCar);
        await Send("seq 3 again", seq3, "duplicate");
        // The next message in sequence, sent on another team's own topic: that topic cannot speak for this car.
        await Send("seq 4 on another team's topic", RealTelemetry.Json(car, 4, c[3]), "wrong-tenant", topic: TeamTelemetryCluster.OtherTeamTopic);
        // The next 1000 samples, pretty-printed as a team's tool might send them.
        var oversized = RealTelemetry.Indented(RealTelemetry.Json(car, 4, RealTelemetry.Car(44).SkipWhile(r => r.At < c[3][0].At).Take(TeamTelemetryValidator.MaxSamples)));
        Assert.True(oversized.Length > TeamTelemetryValidator.DefaultMaxMessageBytes, $"{oversized.Length} bytes");
        await Send("seq 4 with 1000 samples, too big", oversized, "oversized");
        await Send("seq 4", RealTelemetry.Json(car, 4, c[3]), null);
        await Send("seq 6, seq 5 missing", RealTelemetry.Json(car, 6, c[5]), "sequence-gap");
        await Send("seq 7", RealTelemetry.Json(car, 7, c[6]), null);
        await Send("seq 5, late", RealTelemetry.Json(car, 5, c[4]), "duplicate");
        await Send("seq 8 with c[2]'s earlier samples", RealTelemetry.Json(car, 8, c[2]), "out-of-order");
        for (var i = 7; i < c.Count; i++)
        {
            await Send($"seq {i + 2}", RealTelemetry.Json(car, i + 2, c[i]), null);
        }

        var team = cluster.Grains.GetGrain<ITeamTelemetryGrain>(car.ToString());
        await Eventually(async () => (await team.GetStatus()).LastSeq == 14, "car 44's team telemetry reaches seq 14");
        var bad = sent.Where(s => s.Reason is not null).ToList();
        var letters = await DeadLetters(found => bad.All(b => found.ContainsKey(b.At)));

        // Every bad message is in the dead-letter topic once, with its reason, its source and its bytes untouched.
        Assert.All(bad, b =>
        {
            var letter = letters[b.At];
            Assert.Equal((b.What, b.Reason), (b.What, Header(letter, TeamTelemetryDeadLetter.ReasonHeader)));
            Assert.False(string.IsNullOrWhiteSpace(Header(letter, TeamTelemetryDeadLetter.DetailHeader)));
            Assert.Equal(b.At.Topic, Header(letter, TeamTelemetryDeadLetter.SourceTopicHeader));
            Assert.Equal(b.Value, letter.Message.Value);
            Assert.Equal(b.Key, letter.Message.Key);
        });
        Assert.DoesNotContain(sent.Where(s => s.Reason is null), g => letters.ContainsKey(g.At));

        // The details say what was wrong.
        string Detail(string what) => Header(letters[sent.Single(s => s.What == what).At], TeamTelemetryDeadLetter.DetailHeader)!;
        Assert.Contains("seq is missing", Detail("seq 3 without seq"), StringComparison.Ordinal);
        Assert.Contains("samples[5].speed must be a number", Detail("seq 3 with a speed in quotes"), StringComparison.Ordinal);
        Assert.Contains("samples[7].speed 401 is outside 0-400 km/h", Detail("seq 3 with a speed of 401 km/h"), StringComparison.Ordinal);
        Assert.Contains($"{oversized.Length} bytes", Detail("seq 4 with 1000 samples, too big"), StringComparison.Ordinal);
        Assert.Contains("expected seq 5, got 6", Detail("seq 6, seq 5 missing"), StringComparison.Ordinal);
        Assert.Contains("gap 5-5", Detail("seq 5, late"), StringComparison.Ordinal);
        Assert.Contains("includeTelemetry: false", Detail("a session replaying its recorded telemetry"), StringComparison.Ordinal);
        Assert.Equal($"topic {TeamTelemetryCluster.OtherTeamTopic} is tenant {TeamTelemetryCluster.OtherTeam}'s, the message names car 44 of tenant demo", Detail("seq 4 on another team's topic"));

        // What was applied is exactly the good messages, numbered on densely from sample 1.
        var applied = c.Where((_, i) => i is not (4 or 5)).SelectMany(chunk => chunk).ToList();
        var status = await team.GetStatus();
        Assert.Equal(applied.Count, status.SamplesPublished);
        Assert.Equal(11, status.AcceptedMessages);
        Assert.Equal(new Dictionary<string, long> { ["duplicate"] = 2, ["sequence-gap"] = 1, ["out-of-order"] = 1 }, status.Rejected);
        Assert.Equal((5L, 5L, 6L), (status.Gaps.Single().MissingFrom, status.Gaps.Single().MissingTo, status.Gaps.Single().RejectedSeq));

        // The car grain holds them as it holds replayed telemetry: latest sample, and each lap's summary counts
        // exactly the applied samples inside the lap (the lost c[4] and c[5] fall in lap 19).
        var carGrain = cluster.Grains.GetGrain<ICarGrain>(car.ToString());
        await Eventually(async () => (await carGrain.GetView())?.LatestTelemetry == c[^1][^1].Sample, "car 44 shows the last sample sent");
        var carLaps = await carGrain.GetLaps();
        foreach (var lap in laps)
        {
            var inLap = applied.Where(r => r.At >= lap.Start && r.At <= lap.End).ToList();
            var summary = carLaps.Single(l => l.LapNumber == lap.Number).Telemetry;
            Assert.NotNull(summary);
            Assert.Equal((lap.Number, inLap.Count, (double)inLap.Max(r => r.Speed), inLap.Max(r => r.Rpm)), (lap.Number, summary.Samples, summary.MaxSpeed, summary.MaxRpm));
        }

        Assert.True(laps[0].End - laps[0].Start > TimeSpan.FromSeconds(100));
        var sources = cluster.Sources.Select(s => s.GetStatus()).ToList();
        Assert.All(sources, s => Assert.True(s is { Enabled: true, Running: true }));
        Assert.True(sources.Sum(s => s.Rejected["schema"]) >= 3);
    }

    [Fact]
    public async Task A_restarted_source_that_reads_the_topic_again_after_the_grain_moved_changes_nothing()
    {
        // Verstappen's car data over his lap 30, in four messages, then one more after the restart.
        var lap = RealTelemetry.Laps(1, 30)[0];
        var rows = RealTelemetry.Car(1).Where(r => r.At >= lap.Start && r.At <= lap.End).ToList();
        var c = rows.Chunk(rows.Count / 5 + 1).ToList();
        Assert.Equal(5, c.Count);
        var car = TeamTelemetryCluster.Session.Car(new CarId("1"));
        using var tenant = TenantContext.Enter(car.Session.Tenant);
        using var producer = Producer();
        var key = Encoding.UTF8.GetBytes(car.ToString());
        var first = new List<TopicPartitionOffset>();
        for (var i = 0; i < 4; i++)
        {
            var delivered = await producer.ProduceAsync(TeamTelemetryCluster.Topic, new Message<byte[], byte[]> { Key = key, Value = RealTelemetry.Json(car, i + 1, c[i]) }, TestContext.Current.CancellationToken);
            first.Add(delivered.TopicPartitionOffset);
        }

        var team = cluster.Grains.GetGrain<ITeamTelemetryGrain>(car.ToString());
        var carGrain = cluster.Grains.GetGrain<ICarGrain>(car.ToString());
        await Eventually(async () => (await team.GetStatus()).LastSeq == 4, "car 1's team telemetry reaches seq 4");
        await Eventually(async () => (await carGrain.GetView())?.LatestTelemetry == c[3][^1].Sample, "car 1 shows the last sample sent");
        var before = await team.GetStatus();
        var carBefore = await CarJson(carGrain);
        Assert.Equal(c.Take(4).Sum(x => x.Length), before.SamplesPublished);

        // The grain leaves its silo; the sources stop, the group's offsets go back to the start, the sources start.
        await cluster.Cluster.DeactivateAsync(team);
        foreach (var source in cluster.Sources)
        {
            await source.StopAsync(TestContext.Current.CancellationToken);
        }

        ResetGroupOffsets();
        foreach (var source in cluster.Sources)
        {
            await source.StartAsync(TestContext.Current.CancellationToken);
        }

        // Each redelivered message is a duplicate: dead-lettered as such, and the car is as it was.
        var letters = await DeadLetters(found => first.All(found.ContainsKey));
        Assert.All(first, at => Assert.Equal("duplicate", Header(letters[at], TeamTelemetryDeadLetter.ReasonHeader)));
        var redelivered = await team.GetStatus();
        Assert.Equal((before.LastSeq, before.SamplesPublished, before.AcceptedMessages, 4L), (redelivered.LastSeq, redelivered.SamplesPublished, redelivered.AcceptedMessages, redelivered.Rejected["duplicate"]));
        Assert.Equal(carBefore, await CarJson(carGrain));

        // The next message carries on where the car was, numbered on from its last sample.
        var fifth = await producer.ProduceAsync(TeamTelemetryCluster.Topic, new Message<byte[], byte[]> { Key = key, Value = RealTelemetry.Json(car, 5, c[4]) }, TestContext.Current.CancellationToken);
        await Eventually(async () => (await team.GetStatus()).LastSeq == 5, "car 1's team telemetry reaches seq 5");
        var after = await team.GetStatus();
        Assert.Equal((before.SamplesPublished + c[4].Length, 5L), (after.SamplesPublished, after.AcceptedMessages));
        await Eventually(async () => (await carGrain.GetView())?.LatestTelemetry == c[4][^1].Sample, "car 1 shows the sample after the restart");
        Assert.False((await DeadLetters(found => found.Count > 0)).ContainsKey(fifth.TopicPartitionOffset));
    }

    private static async Task<string> CarJson(ICarGrain car) => JsonSerializer.Serialize(new { View = await car.GetView(), Laps = await car.GetLaps() });

    private IProducer<byte[], byte[]> Producer() =>
        new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = cluster.Kafka.BootstrapServers, Acks = Acks.All }).Build();

    /// <summary>
    /// Sets the sources' group back to the start of every partition while the group is empty, as an operator
    /// would: join the group alone, commit offset 0 everywhere, leave.
    /// </summary>
    private void ResetGroupOffsets()
    {
        using var reset = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.Kafka.BootstrapServers,
            GroupId = TeamTelemetryCluster.ConsumerGroup,
            EnableAutoCommit = false,
            // As the sources' (with the default 45 s the mock cluster never lets the sources join again).
            HeartbeatIntervalMs = 500,
            SessionTimeoutMs = 6000,
        }).Build();
        reset.Subscribe(TeamTelemetryCluster.Topic);
        var waited = Stopwatch.StartNew();
        while (reset.Assignment.Count < TeamTelemetryCluster.Partitions)
        {
            Assert.True(waited.Elapsed < Patience, "the offset reset never got the partitions");
            reset.Consume(TimeSpan.FromMilliseconds(100));
        }

        reset.Commit(reset.Assignment.Select(p => new TopicPartitionOffset(p, 0)));
        reset.Close();
    }

    /// <summary>The dead-letter topic from its start, by source partition and offset, once <paramref name="done"/> says enough is there.</summary>
    private Task<Dictionary<TopicPartitionOffset, ConsumeResult<byte[], byte[]>>> DeadLetters(Func<Dictionary<TopicPartitionOffset, ConsumeResult<byte[], byte[]>>, bool> done) => Task.Run(() =>
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.Kafka.BootstrapServers,
            GroupId = $"dead-letter-reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(TeamTelemetryCluster.DeadLetterTopic, 0, Offset.Beginning));
        var found = new Dictionary<TopicPartitionOffset, ConsumeResult<byte[], byte[]>>();
        var waited = Stopwatch.StartNew();
        while (!done(found))
        {
            if (waited.Elapsed > Patience)
            {
                throw new TimeoutException($"The dead-letter topic has {found.Count} records: {string.Join("; ", found.Values.Select(l => $"{Header(l, TeamTelemetryDeadLetter.ReasonHeader)} {Header(l, TeamTelemetryDeadLetter.DetailHeader)}"))}");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } letter)
            {
                var source = new TopicPartitionOffset(
                    Header(letter, TeamTelemetryDeadLetter.SourceTopicHeader),
                    int.Parse(Header(letter, TeamTelemetryDeadLetter.SourcePartitionHeader)!, CultureInfo.InvariantCulture),
                    long.Parse(Header(letter, TeamTelemetryDeadLetter.SourceOffsetHeader)!, CultureInfo.InvariantCulture));
                // A later record for the same source (a redelivery) replaces the earlier one.
                found[source] = letter;
            }
        }

        return found;
    }, TestContext.Current.CancellationToken);

    private static string? Header(ConsumeResult<byte[], byte[]> letter, string name) => TeamTelemetryDeadLetter.Header(letter.Message.Headers, name);

    private async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > Patience)
            {
                var sources = string.Join(" | ", cluster.Sources.Select(s => JsonSerializer.Serialize(s.GetStatus())));
                throw new TimeoutException($"Waited {Patience} for: {what}. Sources: {sources}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private sealed record Sent(string What, byte[] Key, byte[] Value, string? Reason, TopicPartitionOffset At);

    [Fact]
    public async Task A_replay_of_chosen_cars_telemetry_leaves_the_other_cars_to_the_team()
    {
        var session = new SessionKey(TenantId.Demo, new SessionId("china-team-cars"));
        using var tenant = TenantContext.Enter(session.Tenant);
        var grain = cluster.Grains.GetGrain<ISessionGrain>(session.ToString());
        async Task<SessionRoster> Replay(params string[]? cars)
        {
            var request = new ReplayRequest
            {
                Session = session,
                Recording = new RecordingLocation { Format = RecordingFormat.OpenF1Folder, Path = TeamTelemetryCluster.ChinaFolder },
                Speed = 1,
                TelemetryCars = cars?.Select(c => new CarId(c)).ToList(),
            };
            // The previous, stopped job winds down on its silo before the session takes another replay.
            var waited = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await grain.StartReplay(request);
                    break;
                }
                catch (ReplayAlreadyRunningException) when (waited.Elapsed < Patience)
                {
                    await Task.Delay(100, TestContext.Current.CancellationToken);
                }
            }

            await grain.StopReplay();
            var summary = (await grain.GetSummary())!;
            return new SessionRoster(true, new[] { "1", "4", "11", "44" }.Select(c => new CarId(c)).ToHashSet(), summary.ReplaysTelemetry, summary.ReplayedTelemetryCars?.ToHashSet());
        }

        string? Check(SessionRoster roster, string car) => roster.Check(session.Car(new CarId(car)))?.Reason.Code();

        // The replay feeds cars 1 and 11: they take no team telemetry, 44 does; a car not in the race is still unknown.
        var roster = await Replay("11", "1");
        Assert.Equal(["1", "11"], roster.ReplayedTelemetryCars!.Select(c => c.Value).Order());
        Assert.Equal("replayed-telemetry", Check(roster, "1"));
        Assert.Equal("replayed-telemetry", Check(roster, "11"));
        Assert.Null(Check(roster, "44"));
        Assert.Equal("unknown-car", Check(roster, "99"));
        Assert.Contains("car 11's telemetry", roster.Check(session.Car(new CarId("11")))!.Detail, StringComparison.Ordinal);

        // A second replay's cars join the first's; one of every car's takes them all.
        roster = await Replay("4");
        Assert.Equal(["1", "11", "4"], roster.ReplayedTelemetryCars!.Select(c => c.Value).Order());
        Assert.Null(Check(roster, "44"));
        roster = await Replay(null);
        Assert.Null(roster.ReplayedTelemetryCars);
        Assert.Equal("replayed-telemetry", Check(roster, "44"));
    }
}

/// <summary>The schema checks, on messages built from the real 2024 China and 2023 Bahrain car data and on real malformed input.</summary>
public sealed class TeamTelemetryValidatorTests
{
    private static readonly CarKey Car = TeamTelemetryCluster.Session.Car(new CarId("44"));

    private static readonly IReadOnlyList<RealTelemetry.Row> Rows = [.. RealTelemetry.Car(44).Skip(5000).Take(120)];

    [Fact]
    public void A_real_message_becomes_the_samples_the_car_grain_expects()
    {
        var result = TeamTelemetryValidator.Validate(RealTelemetry.Json(Car, 17, Rows));

        Assert.True(result.IsValid, result.Rejection?.ToString());
        Assert.Equal(Car, result.Message!.Car);
        Assert.Equal(17, result.Message.Seq);
        Assert.Equal(Rows.Select(r => r.Sample), result.Message.Samples);
    }

    [Fact]
    public void Unknown_fields_a_byte_order_mark_and_a_written_out_zero_offset_are_accepted()
    {
        var json = Encoding.UTF8.GetString(RealTelemetry.Json(Car, 1, Rows.Take(2)))
            .Replace("{\"tenant\"", "{\"sender\":{\"tool\":\"pit-wall\",\"version\":[1,2]},\"tenant\"", StringComparison.Ordinal)
            .Replace(Rows[0].Time, Rows[0].Time.Replace("Z", "+00:00", StringComparison.Ordinal), StringComparison.Ordinal);
        var result = TeamTelemetryValidator.Validate([.. "\uFEFF"u8, .. Encoding.UTF8.GetBytes(json)]);

        Assert.True(result.IsValid, result.Rejection?.ToString());
        Assert.Equal(Rows.Take(2).Select(r => r.Sample), result.Message!.Samples);
    }

    [Fact]
    public void The_stationary_artefact_104_is_a_throttle_and_brake_reading_the_schema_allows()
    {
        // The first rows of the file: the car on the grid, throttle and brake 104.
        var grid = RealTelemetry.Car(44).Take(10).ToList();
        Assert.Contains(grid, r => r.Throttle == 104 && r.Brake == 104);

        var result = TeamTelemetryValidator.Validate(RealTelemetry.Json(Car, 1, grid));

        Assert.True(result.IsValid, result.Rejection?.ToString());
    }

    public static TheoryData<string, string, string> Malformed()
    {
        var good = Encoding.UTF8.GetString(RealTelemetry.Json(Car, 3, Rows.Take(3)));
        var first = Rows[0];
        var data = new TheoryData<string, string, string>
        {
            { "a message cut off half way", good[..(good.Length / 2)], "not-json" },
            { "a car_data CSV row sent as it is", "2024-04-21T06:08:20.107Z,9673,1233,44,0,0,0,0,0,1", "not-json" },
            { "a trailing second message", good + good, "not-json" },
            { "a comment", "// lap 19\n" + good, "not-json" },
            { "whitespace only", "  \n ", "not-json" },
            { "a schema problem before a syntax error", good.Replace("\"seq\":3", "\"seq\":\"3\"", StringComparison.Ordinal)[..^5], "not-json" },
            { "a JSON array", $"[{good}]", "schema: the message must be a JSON object, not an array" },
            { "no seq", good.Replace("\"seq\":3,", "", StringComparison.Ordinal), "schema: seq is missing" },
            { "seq as a string", good.Replace("\"seq\":3", "\"seq\":\"3\"", StringComparison.Ordinal), "schema: seq must be a whole number from 1, not the string \"3\"" },
            { "seq 0", good.Replace("\"seq\":3", "\"seq\":0", StringComparison.Ordinal), "schema: seq 0 must be at least 1" },
            { "seq 2.5", good.Replace("\"seq\":3", "\"seq\":2.5", StringComparison.Ordinal), "schema: seq 2.5 is not a whole number" },
            { "seq twice", good.Replace("\"seq\":3", "\"seq\":3,\"seq\":4", StringComparison.Ordinal), "schema: seq appears more than once" },
            { "an upper-case tenant", good.Replace("\"demo\"", "\"Demo\"", StringComparison.Ordinal), "schema: tenant 'Demo' is not valid" },
            { "a car with a slash", good.Replace("\"car\":\"44\"", "\"car\":\"44/1\"", StringComparison.Ordinal), "schema: car '44/1' is not valid" },
            { "a car as a number", good.Replace("\"car\":\"44\"", "\"car\":44", StringComparison.Ordinal), "schema: car must be a string, not the number 44" },
            { "no samples", good[..good.IndexOf("[", StringComparison.Ordinal)] + "[]}", "schema: samples is empty" },
            { "samples as an object", good[..good.IndexOf("[", StringComparison.Ordinal)] + "{}}", "schema: samples must be an array, not an object" },
            { "a sample without rpm", good.Replace($",\"rpm\":{first.Rpm}", "", StringComparison.Ordinal), "schema: samples[0].rpm is missing" },
            { "Speed with a capital", good.Replace("\"speed\"", "\"Speed\"", StringComparison.Ordinal), "schema: samples[0].speed is missing (names are case-sensitive)" },
            { "a speed in quotes", good.Replace($"\"speed\":{first.Speed}", $"\"speed\":\"{first.Speed}\"", StringComparison.Ordinal), $"schema: samples[0].speed must be a number (0-400 km/h), not the string \"{first.Speed}\"" },
            { "a null gear", good.Replace($"\"gear\":{first.Gear}", "\"gear\":null", StringComparison.Ordinal), "schema: samples[0].gear must be a number (0-8), not null" },
            { "a decimal rpm", good.Replace($"\"rpm\":{first.Rpm}", $"\"rpm\":{first.Rpm}.5", StringComparison.Ordinal), $"schema: samples[0].rpm {first.Rpm}.5 is not a whole number" },
            { "brake 50", good.Replace($"\"brake\":{first.Brake}", "\"brake\":50", StringComparison.Ordinal), "schema: samples[0].brake 50 is outside 0 or 100, or 104 for a stationary car" },
            { "throttle 101", good.Replace($"\"throttle\":{first.Throttle}", "\"throttle\":101", StringComparison.Ordinal), "schema: samples[0].throttle 101 is outside 0-100 %" },
            { "drs 15", good.Replace($"\"drs\":{first.Drs}", "\"drs\":15", StringComparison.Ordinal), "schema: samples[0].drs 15 is outside 0-14" },
            { "a time without a zone", good.Replace(first.Time, first.Time.TrimEnd('Z'), StringComparison.Ordinal), "schema: samples[0].t" },
            // weather.json writes its dates with a space instead of the T.
            { "a time as weather.json writes it", good.Replace(first.Time, "2024-04-21 06:09:06.766000+00:00", StringComparison.Ordinal), "schema: samples[0].t '2024-04-21 06:09:06.766000+00:00' is not an ISO-8601 UTC time" },
            { "a time in Shanghai", good.Replace(first.Time, "2024-04-21T15:09:06.766+08:00", StringComparison.Ordinal), "schema: samples[0].t '2024-04-21T15:09:06.766+08:00' is not UTC" },
            { "two samples swapped", Encoding.UTF8.GetString(RealTelemetry.Json(Car, 3, [Rows[1], Rows[0], Rows[2]])), $"schema: samples[1].t {Rows[0].At.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff}0000Z is earlier than samples[0].t" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_input_is_rejected_with_the_reason_and_what_was_wrong(string what, string message, string expected)
    {
        var result = TeamTelemetryValidator.Validate(Encoding.UTF8.GetBytes(message));

        Assert.False(result.IsValid, what);
        Assert.StartsWith(expected, result.Rejection!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_gear_of_9_from_a_car_in_the_garage_is_out_of_range()
    {
        // 2023 Bahrain, car 4 in the garage before the race: the feed reports n_gear 9.
        var garage = RealTelemetry.Rows(Path.Combine(RepoPaths.BahrainOpenF1, "car_data", "driver_04.csv.gz")).First(r => r.Gear > 8);
        Assert.Equal(("2023-03-05T14:01:54.079Z", 9), (garage.Time, garage.Gear));

        var result = TeamTelemetryValidator.Validate(RealTelemetry.Json(Car, 1, [garage]));

        Assert.Equal("schema: samples[0].gear 9 is outside 0-8", result.Rejection?.ToString());
    }

    [Fact]
    public void Size_is_checked_before_anything_is_parsed()
    {
        var all = RealTelemetry.Json(Car, 1, RealTelemetry.Car(44).Skip(5000).Take(TeamTelemetryValidator.MaxSamples));
        Assert.True(all.Length > TeamTelemetryValidator.DefaultMaxMessageBytes);

        Assert.Equal(TelemetryRejectionReason.Oversized, TeamTelemetryValidator.Validate(all).Rejection?.Reason);
        Assert.Equal(TelemetryRejectionReason.Oversized, TeamTelemetryValidator.Validate(new byte[TeamTelemetryValidator.DefaultMaxMessageBytes + 1]).Rejection?.Reason);
        Assert.True(TeamTelemetryValidator.Validate(all, all.Length).IsValid);
        Assert.Equal(TelemetryRejectionReason.NotJson, TeamTelemetryValidator.Validate(new byte[TeamTelemetryValidator.DefaultMaxMessageBytes]).Rejection?.Reason);
    }

    [Fact]
    public void More_than_1000_samples_and_bytes_that_are_not_utf8_are_rejected()
    {
        var many = RealTelemetry.Json(Car, 1, RealTelemetry.Car(44).Skip(5000).Take(TeamTelemetryValidator.MaxSamples + 1));
        Assert.Equal("schema: samples has 1001 entries; at most 1000 are allowed", TeamTelemetryValidator.Validate(many, many.Length).Rejection?.ToString());

        var latin1 = Encoding.Latin1.GetBytes(Encoding.UTF8.GetString(RealTelemetry.Json(Car, 1, Rows.Take(1))).Replace("\"demo\"", "\"démo\"", StringComparison.Ordinal));
        Assert.Equal("not-json: the message is not valid UTF-8", TeamTelemetryValidator.Validate(latin1).Rejection?.ToString());
        Assert.Equal("not-json: the message is empty", TeamTelemetryValidator.Validate([]).Rejection?.ToString());
    }

    [Fact]
    public void Every_reason_has_a_stable_code()
    {
        Assert.Equal(
            ["not-json", "schema", "oversized", "unknown-session", "unknown-car", "sequence-gap", "duplicate", "out-of-order", "replayed-telemetry", "wrong-tenant"],
            TelemetryRejectionReasons.All.Select(r => r.Code()));
        Assert.All(TelemetryRejectionReasons.All, r => Assert.True(TelemetryRejectionReasons.TryParse(r.Code(), out var parsed) && parsed == r));
    }
}

/// <summary>
/// The source's retry path, outside a silo: a car grain that fails twice (as a storage outage would) on a real
/// message of Hamilton's lap 20 in the mock cluster. The message is tried until it is applied, and the one
/// behind it in the partition waits for it.
/// </summary>
public sealed class TeamTelemetrySourceRetryTests
{
    [Fact]
    public async Task A_message_whose_grain_call_fails_is_tried_again_and_the_messages_behind_it_wait()
    {
        using var kafka = KafkaMockCluster.Start(1);
        kafka.CreateTopic("retry.telemetry", 1);
        kafka.CreateTopic("retry.dead-letter", 1);
        var car = TeamTelemetryCluster.Session.Car(new CarId("44"));
        var lap = RealTelemetry.Laps(44, 20)[0];
        var c = RealTelemetry.Car(44).Where(r => r.At >= lap.Start && r.At <= lap.End).Chunk(100).Take(3).ToList();
        var grain = new FlakyTeamTelemetry(failuresOnSeq2: 2);
        var grains = FakeGrainFactory.Create(car, grain);
        var options = Microsoft.Extensions.Options.Options.Create(new TeamTelemetryOptions
        {
            Enabled = true,
            BootstrapServers = kafka.BootstrapServers,
            Topic = "retry.telemetry",
            DeadLetterTopic = "retry.dead-letter",
            ConsumerGroup = "retry-test",
            RetryDelay = TimeSpan.FromMilliseconds(50),
            CommitInterval = TimeSpan.FromMilliseconds(100),
            ConsumerSettings = { ["heartbeat.interval.ms"] = "500", ["session.timeout.ms"] = "6000" },
        });
        using var source = new TeamTelemetrySource(
            options,
            grains,
            new SessionRosters(grains, TimeProvider.System, options),
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<TeamTelemetrySource>.Instance);
        source.Participate(new ActiveSilo());
        await source.StartAsync(TestContext.Current.CancellationToken);

        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            for (var i = 0; i < c.Count; i++)
            {
                await producer.ProduceAsync("retry.telemetry", new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(car.ToString()), Value = RealTelemetry.Json(car, i + 1, c[i]) }, TestContext.Current.CancellationToken);
            }
        }

        var waited = Stopwatch.StartNew();
        while (source.GetStatus().Accepted < 3)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), JsonSerializer.Serialize(source.GetStatus()));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        await source.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal([1L, 2L, 2L, 2L, 3L], grain.Calls);
        // The source enters each message's tenant before it calls the car's grain: nothing else here set one.
        Assert.Null(TenantContext.Current);
        Assert.All(grain.Tenants, t => Assert.Equal(car.Session.Tenant, t));
        Assert.Equal(c.Sum(x => x.Length), grain.Applied.Sum(m => m.Samples.Length));
        var status = source.GetStatus();
        Assert.Equal((3L, 2L, 0L, false), (status.Accepted, status.Retries, status.DeadLettered, status.Running));
        Assert.Equal("storage down", status.LastError);
    }

    /// <summary>A car's team telemetry that throws on the first attempts at seq 2.</summary>
    private sealed class FlakyTeamTelemetry(int failuresOnSeq2) : ITeamTelemetryGrain
    {
        private int _failures = failuresOnSeq2;

        public List<long> Calls { get; } = [];

        public List<TeamTelemetryMessage> Applied { get; } = [];

        /// <summary>The tenant each call acted for.</summary>
        public List<TenantId?> Tenants { get; } = [];

        public ValueTask<TeamTelemetryResult> Apply(TeamTelemetryMessage message)
        {
            Calls.Add(message.Seq);
            Tenants.Add(TenantContext.Current);
            if (message.Seq == 2 && _failures-- > 0)
            {
                throw new InvalidOperationException("storage down");
            }

            Applied.Add(message);
            return ValueTask.FromResult(new TeamTelemetryResult { LastSeq = message.Seq, SamplesPublished = Applied.Sum(m => m.Samples.Length) });
        }

        public ValueTask<TeamTelemetryCarStatus> GetStatus() => throw new NotSupportedException();
    }

    /// <summary>Answers GetGrain with the session (which has the car) and the flaky team telemetry grain.</summary>
    private class FakeGrainFactory : System.Reflection.DispatchProxy
    {
        private CarKey _car;
        private ITeamTelemetryGrain _team = null!;

        public static IGrainFactory Create(CarKey car, ITeamTelemetryGrain team)
        {
            var proxy = Create<IGrainFactory, FakeGrainFactory>();
            var fake = (FakeGrainFactory)(object)proxy;
            fake._car = car;
            fake._team = team;
            return proxy;
        }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            var type = targetMethod is { Name: "GetGrain", IsGenericMethod: true } ? targetMethod.GetGenericArguments()[0] : null;
            if (type == typeof(ITeamTelemetryGrain) && Equals(args?[0], _car.ToString()))
            {
                return _team;
            }

            if (type == typeof(ISessionGrain) && Equals(args?[0], _car.Session.ToString()))
            {
                return FakeSession.Create(_car);
            }

            throw new NotSupportedException($"{targetMethod?.Name} {type?.Name} {args?.FirstOrDefault()}");
        }
    }

    /// <summary>A session that exists and has the one car.</summary>
    private class FakeSession : System.Reflection.DispatchProxy
    {
        private CarKey _car;

        public static ISessionGrain Create(CarKey car)
        {
            var proxy = Create<ISessionGrain, FakeSession>();
            ((FakeSession)(object)proxy)._car = car;
            return proxy;
        }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(ISessionGrain.GetSummary) => ValueTask.FromResult<Views.SessionSummary?>(new Views.SessionSummary
            {
                Session = _car.Session,
                Phase = Views.SessionPhase.Running,
                LeaderLap = 20,
                TrackStatus = Domain.Racing.TrackStatus.Green,
                TrackStatusHistory = [],
                PitStops = [],
                RaceControl = [],
                CreatedAt = DateTimeOffset.UnixEpoch,
            }),
            nameof(ISessionGrain.GetClassification) => ValueTask.FromResult(new Views.Classification
            {
                Session = _car.Session,
                LeaderLap = 20,
                Phase = Views.SessionPhase.Running,
                Rows = [new Views.ClassificationRow { Position = 1, Car = _car.Car, DriverCode = "HAM", Laps = 19 }],
            }),
            _ => throw new NotSupportedException(targetMethod?.Name),
        };
    }

    /// <summary>A silo lifecycle that is already active.</summary>
    private sealed class ActiveSilo : ISiloLifecycle
    {
        public int HighestCompletedStage => ServiceLifecycleStage.Active;

        public int LowestStoppedStage => int.MaxValue;

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            observer.OnStart(CancellationToken.None).GetAwaiter().GetResult();
            return new CancellationTokenSource();
        }
    }
}
