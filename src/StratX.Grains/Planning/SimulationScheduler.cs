using Microsoft.Extensions.Options;
using StratX.Grains.Hosting;
using StratX.Grains.Observability;

namespace StratX.Grains.Planning;

/// <summary>
/// Runs simulations on the thread pool, never on a grain's scheduler, at most
/// <see cref="StrategyOptions.MaxConcurrentSimulations"/> at once per silo and each on at most
/// <see cref="StrategyOptions.SimulationThreads"/> threads (one core is left to the live pipeline): a simulation
/// already uses those threads fully, so more at once would only slow them all. Waiting runs start in order, and a question someone is
/// waiting on (a what-if, a simulation request) goes before the background re-plans, which a busy race
/// produces every lap. A run cancelled while it waits never starts.
/// </summary>
public sealed class SimulationScheduler(IOptions<StrategyOptions> options, StratXMetrics? metrics = null)
{
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource> _interactive = new();
    private readonly Queue<TaskCompletionSource> _background = new();
    private readonly int _slots = Math.Max(1, options.Value.MaxConcurrentSimulations);
    private readonly int _threads = Math.Max(0, options.Value.SimulationThreads);
    private int _running;

    public async Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken, bool interactive = false)
    {
        await EnterAsync(interactive, cancellationToken).ConfigureAwait(false);
        try
        {
            var kind = interactive ? "interactive" : "plan";
            return await Task.Run(
                () =>
                {
                    using var threads = _threads > 0 ? StratX.Simulation.SimulationThreads.Limit(_threads) : null;
                    return metrics is null ? work(cancellationToken) : metrics.Simulated(kind, () => work(cancellationToken));
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    private Task EnterAsync(bool interactive, CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        lock (_gate)
        {
            if (_running < _slots)
            {
                _running++;
                return Task.CompletedTask;
            }

            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (interactive ? _interactive : _background).Enqueue(turn);
        }

        if (cancellationToken.CanBeCanceled)
        {
            // A cancelled waiter stays queued but completed; Exit skips it.
            cancellationToken.Register(() => turn.TrySetCanceled(cancellationToken));
        }

        return turn.Task;
    }

    private void Exit()
    {
        lock (_gate)
        {
            while (_interactive.TryDequeue(out var next) || _background.TryDequeue(out next))
            {
                if (next.TrySetResult())
                {
                    // The slot passes straight to the next waiter.
                    return;
                }
            }

            _running--;
        }
    }
}
