namespace StratX.Grains.Updates;

/// <summary>
/// Paces one kind of update from one grain: the first change after a quiet interval is published at once;
/// changes within the interval are folded into a single publish at its end, built from the state as it is
/// then. Live viewers always end on the latest state, while a replay at full speed cannot flood the session's
/// update stream (one ordered stream per session is the narrowest pipe in the spine). The folded update
/// carries the ingest time of the oldest change it stands for, so measured latency includes the wait here.
/// </summary>
/// <remarks>Runs on its grain's scheduler: not thread-safe, and it needs none.</remarks>
internal sealed class UpdateThrottle
{
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Func<long, Task> _publish;
    private readonly IGrainTimer? _timer;
    private long _lastPublished;
    private bool _published;
    private bool _pending;
    private bool _scheduled;
    private long _oldestPendingIngestedAt;

    /// <param name="grain">The grain whose scheduler runs the delayed publish.</param>
    /// <param name="interval">At most one publish per interval; zero publishes every change.</param>
    /// <param name="time">The clock.</param>
    /// <param name="publish">Builds and publishes the update from current state, given the ingest time to carry.</param>
    public UpdateThrottle(IGrainBase grain, TimeSpan interval, TimeProvider time, Func<long, Task> publish)
    {
        _interval = interval;
        _time = time;
        _publish = publish;
        if (interval > TimeSpan.Zero)
        {
            _timer = grain.RegisterGrainTimer(
                _ => PublishPendingAsync(),
                new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
    }

    /// <summary>The state changed because of input ingested at <paramref name="ingestedAtTicks"/> (0: no input).</summary>
    public Task ChangedAsync(long ingestedAtTicks)
    {
        if (ingestedAtTicks != 0 && (_oldestPendingIngestedAt == 0 || ingestedAtTicks < _oldestPendingIngestedAt))
        {
            _oldestPendingIngestedAt = ingestedAtTicks;
        }

        _pending = true;
        if (_scheduled)
        {
            return Task.CompletedTask;
        }

        var sinceLast = _published ? _time.GetElapsedTime(_lastPublished) : TimeSpan.MaxValue;
        if (_timer is null || sinceLast >= _interval)
        {
            return PublishPendingAsync();
        }

        _scheduled = true;
        _timer.Change(_interval - sinceLast, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    /// <summary>Publishes a pending change now (e.g. before an update that must follow it).</summary>
    public Task FlushAsync() => _pending ? PublishPendingAsync() : Task.CompletedTask;

    private Task PublishPendingAsync()
    {
        if (_scheduled)
        {
            _scheduled = false;
            _timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        if (!_pending)
        {
            return Task.CompletedTask;
        }

        _pending = false;
        _published = true;
        _lastPublished = _time.GetTimestamp();
        var ingestedAt = _oldestPendingIngestedAt;
        _oldestPendingIngestedAt = 0;
        return _publish(ingestedAt);
    }
}
