using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using StratX.Domain.Identity;
using StratX.Grains.Hosting;
using StratX.Grains.Observability;

namespace StratX.Grains.Ingestion;

/// <summary>
/// The silo's ingestion service: runs the replays of the sessions this silo owns and takes their grains'
/// progress reports, which pace each replay (see <see cref="InFlightWindow"/>).
/// </summary>
public sealed partial class IngestionGrainService : GrainService, IIngestionGrainService
{
    private readonly ConcurrentDictionary<SessionKey, ReplayJob> _jobs = new();
    private readonly IServiceProvider _services;
    private readonly IGrainFactory _grains;
    private readonly IOptions<IngestionOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestionGrainService> _logger;

    public IngestionGrainService(
        GrainId id,
        Silo silo,
        ILoggerFactory loggerFactory,
        IServiceProvider services,
        IGrainFactory grains,
        IOptions<IngestionOptions> options,
        TimeProvider time)
        : base(id, silo, loggerFactory)
    {
        _services = services;
        _grains = grains;
        _options = options;
        _time = time;
        _logger = loggerFactory.CreateLogger<IngestionGrainService>();
    }

    public Task<IngestionStatus> StartReplay(ReplayRequest request)
    {
        if (_jobs.TryGetValue(request.Session, out var running) && !running.IsFinished)
        {
            throw new ReplayAlreadyRunningException(request.Session);
        }

        var events = _services.GetRequiredKeyedService<IStreamProvider>(OrleansNames.EventStreams);
        var job = new ReplayJob(request, events, _grains, _options.Value, _time, _logger, Silo.ToString(), _services.GetService<StratXMetrics>());
        _jobs[request.Session] = job;
        job.Start();
        return Task.FromResult(job.Status);
    }

    public Task<IngestionStatus?> GetStatus(SessionKey session) =>
        Task.FromResult(_jobs.TryGetValue(session, out var job) ? job.Status : null);

    public Task<bool> Cancel(SessionKey session)
    {
        if (_jobs.TryGetValue(session, out var job) && !job.IsFinished)
        {
            job.Cancel();
            return Task.FromResult(true);
        }

        return Task.FromResult(false);
    }

    public Task Applied(SessionKey session, EventChannel channel, CarId? car, long sequence)
    {
        if (_jobs.TryGetValue(session, out var job))
        {
            job.Acknowledge(channel, car, sequence);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// When the ring moves a session's range to another silo (a silo joined), the replay stops here without a
    /// final report; the session's watch resumes it on the new owner from the grains' applied position.
    /// </summary>
    public override async Task OnRangeChange(IRingRange oldRange, IRingRange newRange, bool increased)
    {
        foreach (var (session, job) in _jobs)
        {
            if (!job.IsFinished && !newRange.InRange(IngestionServiceClient.SessionGrainId(session)))
            {
                job.Abandon();
                _jobs.TryRemove(session, out _);
            }
        }

        await base.OnRangeChange(oldRange, newRange, increased);
    }

    /// <summary>
    /// The silo is shutting down: replays stop without a final report, so their sessions still count them as
    /// running and resume them (on another silo, or on this one when the cluster starts again).
    /// </summary>
    public override async Task Stop()
    {
        foreach (var job in _jobs.Values)
        {
            job.Abandon();
        }

        await Task.WhenAll(_jobs.Values.Select(j => j.Completion));
        await base.Stop();
    }
}
