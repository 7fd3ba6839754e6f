using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StratX.Grains.Updates;
using StratX.Server;

namespace StratX.System.Tests;

/// <summary>A SignalR client watching one session on one node, as the dashboard does.</summary>
public sealed class Watcher : IAsyncDisposable
{
    private static readonly string[] Kinds =
        [UpdateKinds.Classification, UpdateKinds.Car, UpdateKinds.Stint, UpdateKinds.Telemetry, UpdateKinds.Session, UpdateKinds.Predictions, UpdateKinds.TrackStatus];

    private readonly HubConnection _hub;
    private readonly string _sessionId;
    private long _updates;
    private long _classificationUpdates;
    private long _markTicks = long.MaxValue;
    private TaskCompletionSource<TimeSpan> _flowing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Stopwatch _sinceMark = new();

    private Watcher(HubConnection hub, string sessionId)
    {
        _hub = hub;
        _sessionId = sessionId;
        foreach (var kind in Kinds)
        {
            hub.On<JsonElement>(kind, update => OnUpdate(kind, update));
        }
    }

    public long Updates => Interlocked.Read(ref _updates);

    public long ClassificationUpdates => Interlocked.Read(ref _classificationUpdates);

    /// <summary>The snapshot JoinSession answered with.</summary>
    public JsonElement Joined { get; private set; }

    public static async Task<Watcher> ConnectAsync(SiloProcess node, string sessionId)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(node.BaseAddress, "/hubs/race"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(SiloProcess.Token))
            .AddJsonProtocol(o => StratXServer.ConfigureJson(o.PayloadSerializerOptions))
            .Build();
        var watcher = new Watcher(hub, sessionId);
        await hub.StartAsync();
        watcher.Joined = await hub.InvokeAsync<JsonElement>("JoinSession", sessionId);
        return watcher;
    }

    /// <summary>From now on, waits for the first update carrying an event ingested after this moment.</summary>
    public void Mark()
    {
        _flowing = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sinceMark = Stopwatch.StartNew();
        Interlocked.Exchange(ref _markTicks, DateTimeOffset.UtcNow.UtcTicks);
    }

    /// <summary>The time from <see cref="Mark"/> until an event ingested after it reached this client.</summary>
    public Task<TimeSpan> FlowingAgainAsync(TimeSpan timeout) => _flowing.Task.WaitAsync(timeout);

    private void OnUpdate(string kind, JsonElement update)
    {
        Interlocked.Increment(ref _updates);
        if (kind == UpdateKinds.Classification)
        {
            Interlocked.Increment(ref _classificationUpdates);
        }

        if (update.TryGetProperty("ingestedAtTicks", out var ticks) && ticks.GetInt64() > Interlocked.Read(ref _markTicks))
        {
            _flowing.TrySetResult(_sinceMark.Elapsed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _hub.InvokeAsync("LeaveSession", _sessionId).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The node may be gone.
        }

        await _hub.DisposeAsync();
    }
}
