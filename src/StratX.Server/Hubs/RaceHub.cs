using Microsoft.AspNetCore.SignalR;
using StratX.Domain.Identity;
using StratX.Grains;
using StratX.Grains.Views;

namespace StratX.Server.Hubs;

/// <summary>
/// Live race updates. A client joins a session and from then on receives, as hub methods named after the
/// update kind, every change: classification, car, stint, trackStatus, raceControl, weather, session and
/// telemetry. Joining answers with the session's current state so a client never starts from nothing.
/// </summary>
public sealed class RaceHub(SessionUpdateForwarder forwarder, ITenantAccessor tenants, IGrainFactory grains) : Hub
{
    public const string Path = "/hubs/race";

    public async Task<SessionSnapshot> JoinSession(string sessionId)
    {
        var session = Key(sessionId);
        await Groups.AddToGroupAsync(Context.ConnectionId, SessionUpdateForwarder.GroupName(session));
        await forwarder.WatchAsync(Context.ConnectionId, session);
        var grain = grains.GetGrain<ISessionGrain>(session.ToString());
        return new SessionSnapshot(await grain.GetSummary(), await grain.GetClassification());
    }

    public async Task LeaveSession(string sessionId)
    {
        var session = Key(sessionId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, SessionUpdateForwarder.GroupName(session));
        await forwarder.UnwatchAsync(Context.ConnectionId, session);
    }

    public override Task OnDisconnectedAsync(Exception? exception) => forwarder.DisconnectedAsync(Context.ConnectionId);

    private SessionKey Key(string sessionId)
    {
        if (!SessionId.IsValid(sessionId))
        {
            throw new HubException($"'{sessionId}' is not a session id: use lowercase letters, digits, '-' or '_'.");
        }

        var http = Context.GetHttpContext() ?? throw new HubException("The connection has no HTTP context to take the tenant from.");
        return new SessionKey(tenants.Current(http), new SessionId(sessionId));
    }
}

/// <summary>What a client gets when it joins: the session as it is now.</summary>
public sealed record SessionSnapshot(SessionSummary? Session, Classification Classification);
