using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StratX.Streaming.Kafka.Tests;

/// <summary>One captured log entry with its structured values.</summary>
public sealed record LogEntry(DateTimeOffset At, string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values, Exception? Exception);

/// <summary>
/// Keeps the warnings and errors logged in the silos and the client, the provider's own logs from
/// <paramref name="minimum"/> (information by default) up, and the information logs of Orleans streaming (pulling agents and managers).
/// </summary>
public sealed class LogCapture(LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, minimum, _entries);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, LogLevel minimum, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel >= LogLevel.Warning
            || (logLevel >= minimum && category.StartsWith("StratX.", StringComparison.Ordinal))
            || (logLevel >= LogLevel.Information && category.StartsWith("Orleans.Streams.", StringComparison.Ordinal));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value)
                : [];
            entries.Enqueue(new LogEntry(DateTimeOffset.UtcNow, category, logLevel, formatter(state, exception), values, exception));
        }
    }
}
