using Microsoft.Extensions.Logging;
using Orleans.Streams;
using StratX.Domain.Identity;
using StratX.Grains.Hosting;
using StratX.Grains.Observability;
using StratX.Grains.Security;
using StratX.Ingestion.Replay;
using StratX.Ingestion.Validation;

namespace StratX.Grains.Ingestion;

/// <summary>
/// One replay of a recording into a session, running on the thread pool (not on the grain service's
/// scheduler, which must stay free to take the grains' progress reports).
/// </summary>
internal sealed partial class ReplayJob
{
    private readonly ReplayRequest _request;
    private readonly IStreamProvider _events;
    private readonly IGrainFactory _grains;
    private readonly IngestionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly InFlightWindow _window;
    private readonly RejectionLog _rejections;
    private readonly CancellationTokenSource _cancel = new();
    private readonly DateTimeOffset _startedAt;
    private StreamReplaySink? _sink;
    private long _skipped;
    private volatile IngestionState _state = IngestionState.Starting;
    private string? _error;
    private DateTimeOffset? _completedAt;
    private volatile bool _abandoned;
    private readonly string _silo;
    private readonly StratXMetrics? _metrics;

    public ReplayJob(ReplayRequest request, IStreamProvider events, IGrainFactory grains, IngestionOptions options, TimeProvider time, ILogger logger, string silo, StratXMetrics? metrics = null)
    {
        _silo = silo;
        _metrics = metrics;
        _request = request;
        _events = events;
        _grains = grains;
        _options = options;
        _time = time;
        _logger = logger;
        _window = new InFlightWindow(options.MaxInFlight);
        _rejections = new RejectionLog(onRejected: r =>
        {
            metrics?.Rejected("replay", "invalid-input");
            LogRejected(request.Session, r.ToString());
        });
        _startedAt = time.GetUtcNow();
        Completion = Task.CompletedTask;
    }

    public SessionKey Session => _request.Session;

    public Task Completion { get; private set; }

    public bool IsFinished => Completion.IsCompleted && _state is not IngestionState.Starting;

    public void Start() => Completion = Task.Run(RunAsync);

    public void Cancel() => _cancel.Cancel();

    /// <summary>Stops without a final report: the session now belongs to another silo, whose service resumes the replay.</summary>
    public void Abandon()
    {
        _abandoned = true;
        _cancel.Cancel();
    }

    public void Acknowledge(EventChannel channel, CarId? car, long sequence) => _window.Acknowledge(channel, car, sequence);

    public IngestionStatus Status => new()
    {
        State = _state,
        Source = Describe(_request),
        StartedAt = _startedAt,
        CompletedAt = _completedAt,
        Published = _sink?.Published ?? 0,
        Events = _sink?.Events ?? 0,
        Applied = _window.Acknowledged,
        TelemetrySamples = _sink?.TelemetrySamples ?? 0,
        Skipped = Interlocked.Read(ref _skipped),
        Rejected = _rejections.Count,
        RecentRejections = [.. _rejections.Recent(20).Select(r => r.ToString())],
        Error = _error,
        Position = _window.Position().Max(_request.ResumeAfter),
        Resumed = _request.Resumes,
        Silo = _silo,
    };

    private async Task RunAsync()
    {
        // The job acts for the session's tenant: its reports to the session and every item it publishes (which the
        // stream providers deliver with this context) say so. Whoever started it (a request, the session's
        // reminder resuming it) may have left no tenant in the context, or the job may outlive that call.
        using var tenant = TenantContext.Enter(_request.Session.Tenant);
        var session = _grains.GetGrain<ISessionGrain>(_request.Session.ToString());
        using var reporting = new CancellationTokenSource();
        var reporter = ReportPeriodically(session, reporting.Token);
        try
        {
            var location = _request.Recording;
            var recording = RaceRecordings.Open(location.Format, location.Path, location.Round, _rejections, _request.IncludeTelemetry, telemetryOf: _request.TelemetryCars?.ToHashSet());
            _sink = new StreamReplaySink(_events, _request.Session, _window, _time, _options.PipelinedWrites, _metrics, _request.MaxEventsPerSecond);
            _state = IngestionState.Running;
            if (_request.ResumeAfter is null)
            {
                LogStarted(_request.Session, Describe(_request));
            }
            else
            {
                LogResumed(_request.Session, Describe(_request), _request.Resumes);
            }

            var stats = await new ReplayPump().RunAsync(
                _request.Session,
                recording.Read(_request.Session, _cancel.Token),
                _sink,
                new ReplayOptions
                {
                    Speed = _request.Speed is { } factor ? ReplaySpeed.Times(factor) : ReplaySpeed.Max,
                    StartAt = _request.FromRaceStart ? recording.RaceStart - TimeSpan.FromSeconds(30) : null,
                    PaceFromLap = _request.PaceFromLap,
                    MaxBatchSamples = _options.MaxBatchSamples,
                    FlushInterval = _options.TelemetryFlushInterval,
                    ResumeAfter = _request.ResumeAfter,
                },
                _time,
                _cancel.Token);
            await _sink.FlushAsync();
            Interlocked.Exchange(ref _skipped, stats.Skipped);

            _state = IngestionState.Draining;
            await _window.DrainedAsync().WaitAsync(_options.DrainTimeout, _time, _cancel.Token);
            _state = IngestionState.Completed;
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            _state = IngestionState.Cancelled;
        }
        catch (TimeoutException)
        {
            _state = IngestionState.Failed;
            _error = $"The grains did not apply {_window.Count} published items within {_options.DrainTimeout}.";
        }
        catch (Exception e)
        {
            _state = IngestionState.Failed;
            _error = e.Message;
            LogFailed(e, _request.Session);
        }

        _sink?.Dispose();
        _completedAt = _time.GetUtcNow();
        await reporting.CancelAsync();
        await reporter;
        if (_abandoned)
        {
            LogAbandoned(_request.Session);
            return;
        }

        await TryReport(session);
        LogFinished(_request.Session, _state, Status.Published, _rejections.Count);
    }

    private async Task ReportPeriodically(ISessionGrain session, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.StatusInterval, _time);
        try
        {
            do
            {
                await TryReport(session);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task TryReport(ISessionGrain session)
    {
        try
        {
            await session.UpdateIngestion(Status);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReportFailed(e, _request.Session);
        }
    }

    private static string Describe(ReplayRequest request)
    {
        var name = request.Recording.CatalogId ?? Path.GetFileName(request.Recording.Path.TrimEnd('/', '\\'));
        var round = request.Recording.Round is { } r ? $" round {r}" : "";
        var speed = request.Speed is { } s ? $"{s:0.##}×" : "full speed";
        var telemetry = !request.IncludeTelemetry ? ", no telemetry"
            : request.TelemetryCars is { } cars ? $", telemetry of car(s) {string.Join(", ", cars.Select(c => c.Value))}"
            : "";
        return $"{name}{round} ({request.Recording.Format}) at {speed}{telemetry}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Session}: replaying {Source}")]
    private partial void LogStarted(SessionKey session, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Session}: the session moved to another silo; this silo's replay of it stopped")]
    private partial void LogAbandoned(SessionKey session);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Session}: resuming {Source} from the grains' last applied position (resume {Resumes})")]
    private partial void LogResumed(SessionKey session, string source, int resumes);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Session}: replay {State}; {Published} items published, {Rejected} input records rejected")]
    private partial void LogFinished(SessionKey session, IngestionState state, long published, long rejected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Session}: rejected input: {Rejection}")]
    private partial void LogRejected(SessionKey session, string rejection);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Session}: replay failed")]
    private partial void LogFailed(Exception error, SessionKey session);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Session}: could not report ingestion status")]
    private partial void LogReportFailed(Exception error, SessionKey session);
}
