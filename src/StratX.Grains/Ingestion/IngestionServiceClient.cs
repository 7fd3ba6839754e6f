using Orleans.Runtime.Services;
using StratX.Domain.Identity;

namespace StratX.Grains.Ingestion;

/// <summary>
/// Sends each call to the ingestion service that owns the session: the one on the silo whose ring range holds
/// the session grain's hash. The replay, the progress reports of the session's grains and status queries
/// therefore all meet on the same silo.
/// </summary>
public sealed class IngestionServiceClient(IServiceProvider services)
    : GrainServiceClient<IIngestionGrainService>(services), IIngestionServiceClient
{
    public Task<IngestionStatus> StartReplay(ReplayRequest request) => Owner(request.Session).StartReplay(request);

    public Task<IngestionStatus?> GetStatus(SessionKey session) => Owner(session).GetStatus(session);

    public Task<bool> Cancel(SessionKey session) => Owner(session).Cancel(session);

    public Task Applied(SessionKey session, EventChannel channel, CarId? car, long sequence) =>
        Owner(session).Applied(session, channel, car, sequence);

    /// <summary>The id whose place on the ring decides which silo's service owns a session.</summary>
    public static GrainId SessionGrainId(SessionKey session) => GrainId.Create("session", session.ToString());

    private IIngestionGrainService Owner(SessionKey session) => GetGrainService(SessionGrainId(session).GetUniformHashCode());
}
