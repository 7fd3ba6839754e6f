using System.Collections.Concurrent;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace StratX.Streaming.Kafka.Tests;

/// <summary>One test event: the stream it belongs to and its number in that stream, from 0.</summary>
[GenerateSerializer]
[Alias("stratx.kafka.tests.event")]
public sealed record TestEvent([property: Id(0)] string Stream, [property: Id(1)] int Seq);

/// <summary>A stream consumer grain, one per stream key.</summary>
public interface IRecordingGrain : IGrainWithStringKey
{
    Task<int> Count();
}

/// <summary>
/// Implicitly subscribed to every stream of <see cref="KafkaTestCluster.Namespace"/>: records each event it gets, in
/// arrival order, in <see cref="Deliveries"/> (every silo of an in-process cluster shares it). Streams named
/// <c>.../slow-N</c> take 5 ms per event.
/// </summary>
[ImplicitStreamSubscription(KafkaTestCluster.Namespace)]
public sealed class RecordingGrain : Grain, IRecordingGrain, IStreamSubscriptionObserver, IAsyncObserver<TestEvent>
{
    private int _count;

    public Task<int> Count() => Task.FromResult(_count);

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<TestEvent>().ResumeAsync(this);

    public async Task OnNextAsync(TestEvent item, StreamSequenceToken? token = null)
    {
        _count++;
        Deliveries.Record(item, token);
        if (item.Stream.Contains("/slow-", StringComparison.Ordinal))
        {
            // A consumer slower than its producer, for the backpressure test.
            await Task.Delay(5);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}

/// <summary>One delivery: the event's number, the token it came with, and the tenant in the request context it was delivered in.</summary>
public readonly record struct Delivery(int Seq, long Offset, int EventIndex, string? Tenant);

/// <summary>Every delivery to <see cref="RecordingGrain"/>s, per stream, in arrival order.</summary>
public static class Deliveries
{
    /// <summary>The request context key StratX's tenant call filter reads the caller's tenant from (StratX.Grains.Security.TenantContext.Key).</summary>
    public const string TenantKey = "stratx.tenant";

    private static readonly ConcurrentDictionary<string, List<Delivery>> ByStream = new(StringComparer.Ordinal);

    public static void Record(TestEvent item, StreamSequenceToken? token)
    {
        var list = ByStream.GetOrAdd(item.Stream, _ => []);
        lock (list)
        {
            list.Add(new Delivery(item.Seq, token?.SequenceNumber ?? -1, token?.EventIndex ?? -1, RequestContext.Get(TenantKey) as string));
        }
    }

    public static IReadOnlyList<Delivery> Of(string stream)
    {
        if (!ByStream.TryGetValue(stream, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }

    /// <summary>How many distinct events of each stream arrived.</summary>
    public static int DistinctCount(string stream) => Of(stream).Select(d => d.Seq).Distinct().Count();

    /// <summary>
    /// The stream's events after a consumer's dedupe by sequence: an event at or below the last one kept is a
    /// redelivery and is dropped. Returns the kept numbers, the number dropped, and the first gap (an event ahead of
    /// the next expected one) if any.
    /// </summary>
    public static (List<int> Kept, int Duplicates, string? Gap) Deduped(string stream)
    {
        var kept = new List<int>();
        var duplicates = 0;
        string? gap = null;
        foreach (var delivery in Of(stream))
        {
            var last = kept.Count == 0 ? -1 : kept[^1];
            if (delivery.Seq <= last)
            {
                duplicates++;
            }
            else if (delivery.Seq == last + 1)
            {
                kept.Add(delivery.Seq);
            }
            else
            {
                gap ??= $"{stream}: got {delivery.Seq} after {last}";
                kept.Add(delivery.Seq);
            }
        }

        return (kept, duplicates, gap);
    }
}
