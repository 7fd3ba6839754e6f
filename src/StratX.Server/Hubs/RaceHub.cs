using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using StratX.Domain.Identity;
using StratX.Grains;
using StratX.Grains.Views;
using StratX.Server.Security;

namespace StratX.Server.Hubs;

/// <summary>
/// Live race updates. A client joins a session and from then on receives, as hub methods named after the
/// update kind, every change: classification, car, stint, trackStatus, raceControl, weather, session and
/// telemetry. Joining answers with the session's current state so a client never starts from nothing.
/// Only a signed-in team member may connect; the session a client names is always looked up in its own tenant
/// (from the connection's claims), so another team's session is simply not there.
/// </summary>
[Authorize(Policy = TeamPolicies.Viewer)]
public sealed class RaceHub(SessionUpdateForwarder forwarder, IGrainFactory grains) : Hub
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

        var tenant = TeamClaims.TenantOf(Context.User!) ?? throw new HubException("The connection is not signed in to a tenant.");
        return new SessionKey(tenant, new SessionId(sessionId));
    }
}

/// <summary>What a client gets when it joins: the session as it is now.</summary>
public sealed record SessionSnapshot(SessionSummary? Session, Classification Classification);
