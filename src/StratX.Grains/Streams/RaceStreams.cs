using Orleans.Streams;
using StratX.Domain.Events;
using StratX.Domain.Identity;
using StratX.Grains.Updates;

namespace StratX.Grains.Streams;

/// <summary>
/// The streams of a session. Each stream is always written and read with the same element type: Orleans
/// rejects a stream used with two types in one silo.
/// </summary>
public static class RaceStreams
{
    public static StreamId TimingId(CarKey car) => StreamId.Create(OrleansNames.TimingNamespace, car.ToString());

    public static StreamId TelemetryId(CarKey car) => StreamId.Create(OrleansNames.TelemetryNamespace, car.ToString());

    public static StreamId RaceControlId(SessionKey session) => StreamId.Create(OrleansNames.RaceControlNamespace, session.ToString());

    public static StreamId UpdatesId(SessionKey session) => StreamId.Create(OrleansNames.UpdatesNamespace, session.ToString());

    public static IAsyncStream<CarEvent> Timing(IStreamProvider events, CarKey car) => events.GetStream<CarEvent>(TimingId(car));

    public static IAsyncStream<TelemetryBatch> Telemetry(IStreamProvider events, CarKey car) => events.GetStream<TelemetryBatch>(TelemetryId(car));

    public static IAsyncStream<SessionEvent> RaceControl(IStreamProvider events, SessionKey session) => events.GetStream<SessionEvent>(RaceControlId(session));

    public static IAsyncStream<RaceUpdate> Updates(IStreamProvider updates, SessionKey session) => updates.GetStream<RaceUpdate>(UpdatesId(session));
}
