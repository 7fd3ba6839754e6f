using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StratX.Grains.Updates;
using StratX.Grains.Views;
using StratX.Server.Hubs;

namespace StratX.Server.Tests;

/// <summary>A SignalR client on the real server follows the whole 2023 Bahrain race, car data included.</summary>
public class LiveUpdatesTests(RunningServer server) : IClassFixture<RunningServer>
{
    [Fact]
    public async Task A_client_that_joins_a_session_receives_its_updates_through_to_the_chequered_flag()
    {
        const string sessionId = "signalr-bahrain";
        var classifications = new ConcurrentQueue<Classification>();
        var raceControl = new ConcurrentQueue<RaceControlView>();
        var cars = new ConcurrentDictionary<string, CarView>();
        var stints = new ConcurrentDictionary<(string Car, int Number), StintView>();
        var telemetryCars = new ConcurrentDictionary<string, int>();
        var kinds = new ConcurrentDictionary<string, int>();
        await using var hub = server.Hub();
        hub.On<ClassificationUpdate>(UpdateKinds.Classification, u => { classifications.Enqueue(u.Classification); Count(UpdateKinds.Classification); });
        hub.On<RaceControlUpdate>(UpdateKinds.RaceControl, u => { raceControl.Enqueue(u.Message); Count(UpdateKinds.RaceControl); });
        hub.On<CarUpdate>(UpdateKinds.Car, u => { cars[u.Car.Key.Car.Value] = u.Car; Count(UpdateKinds.Car); });
        hub.On<StintUpdate>(UpdateKinds.Stint, u => { stints[(u.Stint.Car.Car.Value, u.Stint.Number)] = u.Stint; Count(UpdateKinds.Stint); });
        hub.On<TelemetryUpdate>(UpdateKinds.Telemetry, u => { telemetryCars.AddOrUpdate(u.Car.Value, 1, (_, n) => n + 1); Count(UpdateKinds.Telemetry); });
        foreach (var kind in new[] { UpdateKinds.Session, UpdateKinds.Weather })
        {
            hub.On<JsonElement>(kind, _ => Count(kind));
        }

        await hub.StartAsync(TestContext.Current.CancellationToken);
        var snapshot = await hub.InvokeAsync<SessionSnapshot>("JoinSession", sessionId, TestContext.Current.CancellationToken);
        Assert.Null(snapshot.Session);
        Assert.Empty(snapshot.Classification.Rows);

        await server.StartAsync("2023-bahrain-race", sessionId: sessionId);
        await server.WaitForIngestionAsync(sessionId);

        // Everything is applied; the last classification pushed must be the one the API now serves.
        var final = await server.Http.GetFromJsonAsync<Classification>($"/api/v1/sessions/{sessionId}/classification", RunningServer.Json, TestContext.Current.CancellationToken);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!Same(classifications.LastOrDefault(), final!) && waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True(Same(classifications.LastOrDefault(), final!), "the last classification received differs from the final one");
        Assert.Equal(20, final!.Rows.Count);
        Assert.Equal("VER", final.Rows[0].DriverCode);
        Assert.Equal(SessionPhase.Ended, final.Phase);
        Assert.Contains(raceControl, m => m.Flag == "CHEQUERED" && m.Lap == 57);

        // Updates are paced (changes within 50 ms fold into one), but they arrive in order and end on the
        // final state of every car and stint.
        var received = classifications.ToList();
        Assert.True(received.Count > 1, "classification updates should arrive during the race, not only at the end");
        Assert.True(received.Count < 1055, $"{received.Count} classification updates for 1055 laps at full speed: changes were not folded");
        foreach (var (earlier, later) in received.Zip(received.Skip(1)))
        {
            Assert.True(later.LeaderLap >= earlier.LeaderLap, $"leader lap went back from {earlier.LeaderLap} to {later.LeaderLap}");
        }

        Assert.Equal(20, cars.Count);
        foreach (var row in final.Rows)
        {
            var car = await server.Http.GetFromJsonAsync<CarView>($"/api/v1/sessions/{sessionId}/cars/{row.Car.Value}", RunningServer.Json, TestContext.Current.CancellationToken);
            Assert.Equal(car!.LapsCompleted, cars[row.Car.Value].LapsCompleted);
            Assert.Equal(AsJson(car.LastLap), AsJson(cars[row.Car.Value].LastLap));
            Assert.Equal(car.Stops.Count, cars[row.Car.Value].Stops.Count);
            var carStints = await server.Http.GetFromJsonAsync<List<StintView>>($"/api/v1/sessions/{sessionId}/cars/{row.Car.Value}/stints", RunningServer.Json, TestContext.Current.CancellationToken);
            foreach (var stint in carStints!)
            {
                Assert.Equal(stint.LapEnd, stints[(row.Car.Value, stint.Number)].LapEnd);
                Assert.Equal(AsJson(stint.Degradation), AsJson(stints[(row.Car.Value, stint.Number)].Degradation));
            }
        }

        Assert.Equal(20, telemetryCars.Count);
        Assert.True(kinds.GetValueOrDefault(UpdateKinds.Weather) > 0);

        void Count(string kind) => kinds.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    [Fact]
    public async Task A_client_that_left_a_session_receives_nothing_more_from_it()
    {
        const string sessionId = "signalr-leave";
        var received = 0;
        await using var hub = server.Hub();
        hub.On<JsonElement>(UpdateKinds.Classification, _ => Interlocked.Increment(ref received));
        await hub.StartAsync(TestContext.Current.CancellationToken);
        await hub.InvokeAsync<SessionSnapshot>("JoinSession", sessionId, TestContext.Current.CancellationToken);
        await hub.InvokeAsync("LeaveSession", sessionId, TestContext.Current.CancellationToken);

        await server.StartAsync("2021-22-abu-dhabi-grand-prix", sessionId: sessionId);
        await server.WaitForIngestionAsync(sessionId);
        await Task.Delay(500, TestContext.Current.CancellationToken);

        Assert.Equal(0, received);
    }

    [Fact]
    public async Task Joining_with_an_invalid_session_id_is_refused()
    {
        await using var hub = server.Hub();
        await hub.StartAsync(TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SessionSnapshot>("JoinSession", "Not/A Session", TestContext.Current.CancellationToken));
        Assert.Contains("is not a session id", error.Message);
    }

    private static bool Same(Classification? a, Classification b) => a is not null && AsJson(a) == AsJson(b);

    private static string AsJson<T>(T value) => JsonSerializer.Serialize(value, RunningServer.Json);
}
