using System.Globalization;

namespace StratX.System.Tests;

/// <summary>
/// Three silo processes on loopback over a real PostgreSQL and the mock Kafka cluster replay the 2024
/// Chinese GP (laps, stints, four cars' telemetry; a VSC and two safety cars) at full speed; one silo is
/// killed with SIGKILL mid-race. Every car's laps, stints and pit stops and the final classification must
/// equal a clean single-silo run: nothing missing, nothing applied twice.
/// </summary>
[Trait("Category", "Failover")]
public sealed class FailoverTests(SystemFixture fixture, ITestOutputHelper output) : IClassFixture<SystemFixture>
{
    public enum Victim
    {
        /// <summary>The silo whose ingestion service runs the replay.</summary>
        ReplayOwner,

        /// <summary>The silo the session grain is active on (the replay's too, when both are on one silo).</summary>
        SessionHost,

        /// <summary>Any other silo.</summary>
        Other,
    }

    [Theory]
    [InlineData(Victim.ReplayOwner, 6, 20)]
    [InlineData(Victim.SessionHost, 21, 34)]
    [InlineData(Victim.Other, 35, 46)]
    public async Task A_silo_killed_mid_race_loses_nothing_and_applies_nothing_twice(Victim victim, int fromLap, int toLap)
    {
        SystemFixture.SkipWithoutPostgres();
        var baseline = await fixture.BaselineAsync();
        var killLap = Random.Shared.Next(fromLap, toLap + 1);
        var cluster = await fixture.NewClusterAsync($"kill-{victim.ToString().ToLowerInvariant()}");
        var nodes = await SystemFixture.StartNodesAsync(cluster, 3);
        try
        {
            const string session = SystemFixture.SessionId;
            await SystemFixture.StartReplayAsync(nodes[0], session);

            // Who runs what is known once the replay started; the watcher is connected before the race reaches
            // the kill lap, so the kill follows that lap closely (at full speed a lap takes a fraction of a second).
            var summary = await SystemFixture.SessionAsync(nodes[0], session);
            var replaySilo = (string?)summary["ingestion"]?["silo"];
            var sessionSilo = (string?)summary["silo"];
            var target = victim switch
            {
                Victim.ReplayOwner => NodeOf(nodes, replaySilo),
                Victim.SessionHost => NodeOf(nodes, sessionSilo),
                _ => nodes.First(n => n != NodeOf(nodes, replaySilo) && n != NodeOf(nodes, sessionSilo)),
            };
            var survivor = nodes.First(n => n != target);
            await using var watcher = await Watcher.ConnectAsync(survivor, session);
            await SystemFixture.WaitLeaderLapAsync(survivor, session, killLap, TimeSpan.FromMinutes(3));

            var atKill = await SystemFixture.SessionAsync(survivor, session);
            var lapAtKill = (int)atKill["leaderLap"]!;
            Assert.True((string?)atKill["status"] == "running", $"The race must still run when the silo is killed; it is {(string?)atKill["status"]} at leader lap {lapAtKill}.");
            // The clock starts once the process is gone: whatever is ingested after that came from a survivor.
            target.Kill();
            watcher.Mark();
            var recovery = await watcher.FlowingAgainAsync(TimeSpan.FromSeconds(90));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"killed {target.Name} ({victim}; replay on {replaySilo}, session on {sessionSilo}) at leader lap {lapAtKill}: updates flowing again after {recovery.TotalSeconds:0.0} s"));

            await SystemFixture.WaitFinishedAsync(survivor, session, TimeSpan.FromMinutes(5));
            var outcome = await RaceOutcome.ReadAsync(survivor.Http, session);
            var resumed = (int?)(await SystemFixture.SessionAsync(survivor, session))["ingestion"]?["resumed"] ?? 0;
            output.WriteLine($"{outcome.LapCount} laps, {outcome.StopCount} pit stops (clean run: {baseline.LapCount}, {baseline.StopCount}); replay resumed {resumed} time(s)");

            Assert.Empty(outcome.Differences(baseline));
            Assert.True(outcome.LapCount > 1000, $"China 2024 has over a thousand laps in all; the run has {outcome.LapCount}.");
            if (victim == Victim.ReplayOwner)
            {
                Assert.True(resumed >= 1, "The replay's silo was killed, so another silo must have resumed it.");
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
    public async Task The_whole_cluster_stopped_and_started_again_reloads_its_state_and_finishes_the_replay()
    {
        SystemFixture.SkipWithoutPostgres();
        var baseline = await fixture.BaselineAsync();
        var cluster = await fixture.NewClusterAsync("restart");
        const string session = SystemFixture.SessionId;
        var nodes = await SystemFixture.StartNodesAsync(cluster, 2);
        int lapAtStop;
        try
        {
            await SystemFixture.StartReplayAsync(nodes[0], session);
            await SystemFixture.WaitLeaderLapAsync(nodes[0], session, 15, TimeSpan.FromMinutes(3));

            // A client on the node that does not hold the session grain follows the session all the same.
            var sessionSilo = (string?)(await SystemFixture.SessionAsync(nodes[0], session))["silo"];
            var other = nodes.First(n => n != NodeOf(nodes, sessionSilo));
            await using (var watcher = await Watcher.ConnectAsync(other, session))
            {
                var before = watcher.ClassificationUpdates;
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (watcher.ClassificationUpdates < before + 3 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100, TestContext.Current.CancellationToken);
                }

                Assert.True(watcher.ClassificationUpdates >= before + 3, $"A client on {other.Name} got {watcher.ClassificationUpdates - before} classification updates from the session grain on {sessionSilo} in 30 s.");
            }

            lapAtStop = await SystemFixture.LeaderLapAsync(nodes[0], session);
            await Task.WhenAll(nodes.Select(n => n.StopAsync(TimeSpan.FromSeconds(30))));
            Assert.True(await SessionRowsAsync(cluster) > 0, "The stopped cluster left no session state in PostgreSQL.");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }

        var restarted = await SystemFixture.StartNodesAsync(cluster, 2, prefix: "again");
        try
        {
            await using var watcher = await Watcher.ConnectAsync(restarted[1], session);
            var joinedLap = watcher.Joined.GetProperty("classification").GetProperty("leaderLap").GetInt32();
            output.WriteLine($"stopped the whole cluster at leader lap {lapAtStop}; after the restart a new client joined at lap {joinedLap}");
            Assert.True(joinedLap >= lapAtStop, $"A client joining after the restart saw lap {joinedLap}, before the stop the race was at lap {lapAtStop}.");

            await SystemFixture.WaitFinishedAsync(restarted[0], session, TimeSpan.FromMinutes(5));
            var outcome = await RaceOutcome.ReadAsync(restarted[0].Http, session);
            Assert.Empty(outcome.Differences(baseline));
        }
        finally
        {
            foreach (var node in restarted)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static SiloProcess NodeOf(List<SiloProcess> nodes, string? silo)
    {
        Assert.NotNull(silo);
        return nodes.FirstOrDefault(n => silo.Contains($":{n.SiloPort}:", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No node has the silo {silo} (ports {string.Join(", ", nodes.Select(n => n.SiloPort))}).");
    }

    /// <summary>Session grain states the cluster wrote to PostgreSQL.</summary>
    private static async Task<long> SessionRowsAsync(ClusterSettings cluster)
    {
        await using var connection = new Npgsql.NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM orleansstorage WHERE graintypestring LIKE '%session%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
