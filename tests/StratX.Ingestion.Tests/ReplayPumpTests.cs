using Microsoft.Extensions.Time.Testing;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Ingestion.Replay;

namespace StratX.Ingestion.Tests;

/// <summary>The pump on the first minutes of the real 2023 Bahrain race (laps, stints, weather and car data).</summary>
public class ReplayPumpTests(BahrainRecording bahrain) : IClassFixture<BahrainRecording>
{
    private static readonly SessionKey Session = BahrainRecording.Session;

    private List<SourceItem> FirstMinutes(int minutes) =>
        [.. bahrain.Items.Where(i => i.Event is SessionOpened or CarEntered || (i.At >= bahrain.Recording.RaceStart.AddSeconds(-30) && i.At < bahrain.Recording.RaceStart.AddMinutes(minutes)))];

    [Fact]
    public async Task At_full_speed_everything_is_published_in_order_with_telemetry_batched_per_car()
    {
        var items = FirstMinutes(6);
        var sink = new RecordingSink(TimeProvider.System);

        var stats = await new ReplayPump().RunAsync(Session, items, sink, new ReplayOptions { MaxBatchSamples = 64 }, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(items.Count(i => !i.IsSample), stats.Events);
        Assert.Equal(items.Count(i => i.IsSample), stats.Samples);
        Assert.Equal(stats.Samples, sink.Batches.Sum(b => b.Samples.Length));
        Assert.All(sink.Batches, b => Assert.InRange(b.Samples.Length, 1, 64));
        foreach (var car in sink.Batches.GroupBy(b => b.Car))
        {
            var expected = items.Where(i => i.IsSample && i.Car == car.Key).Select(i => i.SampleSequence).ToList();
            Assert.Equal(expected, car.SelectMany(b => Enumerable.Range((int)(b.Sequence - b.Samples.Length + 1), b.Samples.Length).Select(n => (long)n)));
            Assert.All(car, b => Assert.Equal(b.Samples[^1].Timestamp, b.OccurredAt));
        }

        // A car's samples up to its lap crossing are published before that lap.
        foreach (var (lap, index) in sink.Published.Select((p, i) => (p.Item as LapCompleted, i)).Where(x => x.Item1 is not null))
        {
            var earlier = sink.Published.Take(index).Select(p => p.Item).OfType<TelemetryBatch>().Where(b => b.Car == lap!.Car).Sum(b => b.Samples.Length);
            Assert.Equal(items.Count(i => i.IsSample && i.Car == lap!.Car && i.At <= lap.OccurredAt), earlier);
        }

    }

    [Fact]
    public async Task At_ten_times_real_time_items_go_out_a_tenth_of_their_real_spacing_apart()
    {
        var items = FirstMinutes(2);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var sink = new RecordingSink(time);
        var options = new ReplayOptions { Speed = ReplaySpeed.Times(10), StartAt = bahrain.Recording.RaceStart.AddSeconds(-30) };

        var run = new ReplayPump().RunAsync(Session, items, sink, options, time, TestContext.Current.CancellationToken);
        var started = time.GetUtcNow();
        while (!run.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        await run;
        var firstLap = sink.Published.First(p => p.Item is LapCompleted);
        var expectedWall = (firstLap.Item.OccurredAt - options.StartAt.Value) / 10;
        Assert.InRange((firstLap.At - started - expectedWall).TotalMilliseconds, 0, 40);
        var elapsed = sink.Published[^1].At - started;
        Assert.InRange(elapsed.TotalSeconds, 14.8, 15.05);
        Assert.All(sink.Batches, b => Assert.True(b.Samples[^1].Timestamp - b.Samples[0].Timestamp <= TimeSpan.FromSeconds(1.5)));
    }

    [Fact]
    public async Task Items_before_the_start_or_already_delivered_are_skipped_and_keep_their_numbers()
    {
        var items = FirstMinutes(3);
        var car1 = CarId.FromNumber(1);
        var lastTiming = items.Select(i => i.Event).OfType<CarEvent>().Where(e => e.Car == car1).Max(e => e.Sequence);
        var checkpoint = new ReplayPosition
        {
            RaceControl = 1,
            Timing = new Dictionary<CarId, long> { [car1] = lastTiming - 1 },
            Telemetry = new Dictionary<CarId, long> { [car1] = 100_000 },
        };
        var sink = new RecordingSink(TimeProvider.System);

        var stats = await new ReplayPump().RunAsync(Session, items, sink, new ReplayOptions { ResumeAfter = checkpoint }, TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.DoesNotContain(sink.Published, p => p.Item is SessionOpened);
        Assert.Equal(lastTiming, Assert.Single(sink.Published, p => p.Item is CarEvent e && e.Car == car1).Item.Sequence);
        Assert.DoesNotContain(sink.Batches, b => b.Car == car1);
        var car1Items = items.Count(i => i.Car == car1 && (i.IsSample || i.Event is CarEvent));
        Assert.Equal(1 + car1Items - 1, stats.Skipped);
    }

    [Fact]
    public async Task Cancelling_stops_a_paced_replay()
    {
        using var cancel = new CancellationTokenSource();
        var sink = new RecordingSink(TimeProvider.System);
        var run = new ReplayPump().RunAsync(Session, FirstMinutes(5), sink, new ReplayOptions { Speed = ReplaySpeed.Times(1) }, TimeProvider.System, cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Theory]
    [InlineData("max", 0)]
    [InlineData("", 0)]
    [InlineData("10", 10)]
    [InlineData("10x", 10)]
    [InlineData("0.5", 0.5)]
    public void Speeds_parse(string text, double factor)
    {
        Assert.True(ReplaySpeed.TryParse(text, out var speed, out _));
        Assert.Equal(factor, speed.Factor);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("fast")]
    [InlineData("20000")]
    public void Nonsense_speeds_are_refused_with_a_reason(string text)
    {
        Assert.False(ReplaySpeed.TryParse(text, out _, out var error));
        Assert.Contains("is not a replay speed", error);
    }

    private sealed class RecordingSink(TimeProvider time) : IReplaySink
    {
        public List<(DateTimeOffset At, RaceEvent Item)> Published { get; } = [];

        public IEnumerable<TelemetryBatch> Batches => Published.Select(p => p.Item).OfType<TelemetryBatch>();

        public ValueTask PublishSessionEventAsync(SessionEvent sessionEvent, CancellationToken cancellationToken) => Add(sessionEvent);

        public ValueTask PublishTimingEventAsync(CarEvent timingEvent, CancellationToken cancellationToken) => Add(timingEvent);

        public ValueTask PublishTelemetryAsync(TelemetryBatch batch, CancellationToken cancellationToken) => Add(batch);

        private ValueTask Add(RaceEvent item)
        {
            Published.Add((time.GetUtcNow(), item));
            return ValueTask.CompletedTask;
        }
    }
}
