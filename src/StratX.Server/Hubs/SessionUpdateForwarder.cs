using Microsoft.AspNetCore.SignalR;
using Orleans.Streams;
using StratX.Domain.Identity;
using StratX.Grains;
using StratX.Grains.Observability;
using StratX.Grains.Streams;
using StratX.Grains.Updates;

namespace StratX.Server.Hubs;

/// <summary>
/// This web node's bridge from grains to browsers: while at least one of its connections watches a session,
/// it subscribes to that session's update stream and sends every update to the session's SignalR group.
/// Grains never touch the hub: the connection may be on another node than the grain.
/// </summary>
public sealed partial class SessionUpdateForwarder(
    IClusterClient cluster,
    IHubContext<RaceHub> hub,
    StratXMetrics metrics,
    ILogger<SessionUpdateForwarder> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<SessionKey, Watch> _watches = [];
    private readonly Dictionary<string, HashSet<SessionKey>> _byConnection = [];

    public static string GroupName(SessionKey session) => session.ToString();

    public async Task WatchAsync(string connectionId, SessionKey session)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_byConnection.TryGetValue(connectionId, out var sessions))
            {
                sessions = [];
                _byConnection[connectionId] = sessions;
            }

            if (!sessions.Add(session))
            {
                return;
            }

            if (!_watches.TryGetValue(session, out var watch))
            {
                var stream = RaceStreams.Updates(cluster.GetStreamProvider(OrleansNames.UpdateStreams), session);
                var group = GroupName(session);
                var handle = await stream.SubscribeAsync((update, _) => Forward(group, update));
                watch = new Watch(handle);
                _watches[session] = watch;
                LogWatching(session);
            }

            watch.Watchers++;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task UnwatchAsync(string connectionId, SessionKey session)
    {
        await _gate.WaitAsync();
        try
        {
            if (_byConnection.TryGetValue(connectionId, out var sessions) && sessions.Remove(session))
            {
                await Release(session);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task DisconnectedAsync(string connectionId)
    {
        await _gate.WaitAsync();
        try
        {
            if (_byConnection.Remove(connectionId, out var sessions))
            {
                foreach (var session in sessions)
                {
                    await Release(session);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sessions this node forwards, with their number of watching connections.</summary>
    public IReadOnlyDictionary<SessionKey, int> Watched
    {
        get
        {
            _gate.Wait();
            try
            {
                return _watches.ToDictionary(w => w.Key, w => w.Value.Watchers);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var watch in _watches.Values)
        {
            await TryUnsubscribe(watch.Handle);
        }

        _watches.Clear();
        _gate.Dispose();
    }

    private async Task Forward(string group, RaceUpdate update)
    {
        using var span = StratXTracing.StartHubSend(update.Kind);
        try
        {
            await hub.Clients.Group(group).SendAsync(update.Kind, update);
            if (update.Kind is UpdateKinds.Car or UpdateKinds.Classification or UpdateKinds.Predictions or UpdateKinds.Stint)
            {
                metrics.Delivered(update.Kind, update.IngestedAtTicks);
            }
        }
        catch (Exception e)
        {
            // A failed send must not fail the stream delivery: the next update carries the state again.
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            LogForwardFailed(e, group, update.Kind);
        }
    }

    private async Task Release(SessionKey session)
    {
        if (_watches.TryGetValue(session, out var watch) && --watch.Watchers == 0)
        {
            _watches.Remove(session);
            await TryUnsubscribe(watch.Handle);
            LogStopped(session);
        }
    }

    private async Task TryUnsubscribe(StreamSubscriptionHandle<RaceUpdate> handle)
    {
        try
        {
            await handle.UnsubscribeAsync();
        }
        catch (Exception e)
        {
            LogUnsubscribeFailed(e);
        }
    }

    private sealed class Watch(StreamSubscriptionHandle<RaceUpdate> handle)
    {
        public StreamSubscriptionHandle<RaceUpdate> Handle { get; } = handle;

        public int Watchers { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Forwarding updates of {Session}")]
    private partial void LogWatching(SessionKey session);

    [LoggerMessage(Level = LogLevel.Information, Message = "No one watches {Session} here any more; stopped forwarding")]
    private partial void LogStopped(SessionKey session);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not forward a {Kind} update to {Group}")]
    private partial void LogForwardFailed(Exception error, string group, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not unsubscribe from an update stream")]
    private partial void LogUnsubscribeFailed(Exception error);
}
