using Microsoft.Extensions.Options;
using StratX.Grains.Hosting;

namespace StratX.Grains.Planning;

/// <summary>
/// Runs simulations on the thread pool, never on a grain's scheduler, and at most
/// <see cref="StrategyOptions.MaxConcurrentSimulations"/> at once per silo: each simulation already uses every
/// core, so more at once would only slow them all. A run cancelled while it waits never starts.
/// </summary>
public sealed class SimulationScheduler(IOptions<StrategyOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrentSimulations));

    public async Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => work(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
