namespace StratX.Ingestion.Validation;

/// <summary>
/// Collects what parsers reject: counts in total and per file, and the latest rejections for people to read.
/// Thread-safe; an optional callback lets a host log or count each one as it happens.
/// </summary>
public sealed class RejectionLog(int keep = 200, Action<InputRejection>? onRejected = null) : IRejectionSink
{
    private readonly object _gate = new();
    private readonly Queue<InputRejection> _recent = new();
    private readonly Dictionary<string, long> _perFile = [];
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Reject(InputRejection rejection)
    {
        lock (_gate)
        {
            _count++;
            _perFile[rejection.File] = _perFile.GetValueOrDefault(rejection.File) + 1;
            _recent.Enqueue(rejection);
            if (_recent.Count > keep)
            {
                _recent.Dequeue();
            }
        }

        onRejected?.Invoke(rejection);
    }

    /// <summary>The latest rejections, oldest first.</summary>
    public IReadOnlyList<InputRejection> Recent(int count = int.MaxValue)
    {
        lock (_gate)
        {
            return [.. _recent.Skip(Math.Max(0, _recent.Count - count))];
        }
    }

    public IReadOnlyDictionary<string, long> PerFile()
    {
        lock (_gate)
        {
            return new Dictionary<string, long>(_perFile);
        }
    }
}
