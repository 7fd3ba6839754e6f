using Orleans.Concurrency;
using Orleans.Services;
using StratX.Domain.Identity;

namespace StratX.Grains.Ingestion;

/// <summary>
/// Runs sources and publishes what they read to the session's streams. One runs on every silo; a session's
/// ingestion runs on the silo that owns the session key's place on the ring.
/// </summary>
public interface IIngestionGrainService : IGrainService
{
    Task<IngestionStatus> StartReplay(ReplayRequest request);

    Task<IngestionStatus?> GetStatus(SessionKey session);

    Task<bool> Cancel(SessionKey session);

    /// <summary>A grain applied a session's stream up to <paramref name="sequence"/>: lets the replay keep a bounded number of items in flight.</summary>
    [OneWay]
    Task Applied(SessionKey session, EventChannel channel, CarId? car, long sequence);
}

/// <summary>Routes calls to the ingestion service that owns a session.</summary>
public interface IIngestionServiceClient
{
    Task<IngestionStatus> StartReplay(ReplayRequest request);

    Task<IngestionStatus?> GetStatus(SessionKey session);

    Task<bool> Cancel(SessionKey session);

    Task Applied(SessionKey session, EventChannel channel, CarId? car, long sequence);
}
