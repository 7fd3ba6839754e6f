using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StratX.Domain.Identity;
using StratX.Grains.Security;

namespace StratX.Grains.TeamTelemetry;

/// <summary>
/// Whether a session exists, which cars it has (its entry list and every car that reported a lap or stop), and
/// whether a replay feeds its cars' telemetry (then the cars count the recording's samples, and team samples
/// numbered on their own would be taken for ones already applied): every car's, or only
/// <see cref="ReplayedTelemetryCars"/>'.
/// </summary>
public sealed record SessionRoster(bool Exists, IReadOnlySet<CarId> Cars, bool ReplaysTelemetry = false, IReadOnlySet<CarId>? ReplayedTelemetryCars = null)
{
    public static SessionRoster Unknown { get; } = new(false, new HashSet<CarId>());

    /// <summary>Null when the car is known; otherwise why its messages cannot be applied.</summary>
    public TelemetryRejection? Check(CarKey car) =>
        !Exists ? new TelemetryRejection(TelemetryRejectionReason.UnknownSession, $"there is no session {car.Session}")
        : ReplaysTelemetry && ReplayedTelemetryCars is null ? new TelemetryRejection(
            TelemetryRejectionReason.ReplayedTelemetry,
            $"session {car.Session} replays its recording's car telemetry; team telemetry goes to a session replayed without it (includeTelemetry: false)")
        : ReplaysTelemetry && ReplayedTelemetryCars!.Contains(car.Car) ? new TelemetryRejection(
            TelemetryRejectionReason.ReplayedTelemetry,
            $"session {car.Session} replays car {car.Car}'s telemetry from its recording; team telemetry goes to the cars its replay leaves out (telemetryCars)")
        : !Cars.Contains(car.Car) ? new TelemetryRejection(TelemetryRejectionReason.UnknownCar, $"session {car.Session} has no car {car.Car} ({Cars.Count} cars known)")
        : null;
}

/// <summary>
/// Session rosters, asked of the session grain (summary, then classification) and kept on this silo for
/// <see cref="TeamTelemetryOptions.RosterCacheDuration"/>, so a stream of messages costs one session call per
/// session and period. A car that joins a session is accepted at the latest one period later.
/// </summary>
public sealed class SessionRosters(IGrainFactory grains, TimeProvider time, IOptions<TeamTelemetryOptions> options)
{
    /// <summary>Above this many cached sessions, expired entries are swept out.</summary>
    private const int SweepAbove = 1024;

    private readonly ConcurrentDictionary<SessionKey, Entry> _cache = new();

    public async Task<SessionRoster> GetAsync(SessionKey session)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (_cache.TryGetValue(session, out var cached) && cached.ExpiresAtTicks > now && !cached.Roster.IsFaulted)
        {
            return await cached.Roster;
        }

        // Off any grain's scheduler: the fetch may be awaited by several grains and by the source at once.
        var entry = new Entry(Task.Run(() => FetchAsync(session)), now + options.Value.RosterCacheDuration.Ticks);
        _cache[session] = entry;
        if (_cache.Count > SweepAbove)
        {
            foreach (var (key, old) in _cache)
            {
                if (old.ExpiresAtTicks <= now)
                {
                    _cache.TryRemove(new KeyValuePair<SessionKey, Entry>(key, old));
                }
            }
        }

        return await entry.Roster;
    }

    private async Task<SessionRoster> FetchAsync(SessionKey session)
    {
        // A cached fetch serves every later caller of the session, so it acts for the session's tenant itself
        // rather than for whichever caller happened to start it.
        using var tenant = TenantContext.Enter(session.Tenant);
        var grain = grains.GetGrain<ISessionGrain>(session.ToString());
        if (await grain.GetSummary() is not { } summary)
        {
            return SessionRoster.Unknown;
        }

        var classification = await grain.GetClassification();
        return new SessionRoster(true, classification.Rows.Select(r => r.Car).ToHashSet(), summary.ReplaysTelemetry, summary.ReplayedTelemetryCars?.ToHashSet());
    }

    private sealed record Entry(Task<SessionRoster> Roster, long ExpiresAtTicks);
}
