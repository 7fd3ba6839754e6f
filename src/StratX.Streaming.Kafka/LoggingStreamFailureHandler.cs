using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace StratX.Streaming.Kafka;

/// <summary>
/// The default failure handler: logs a batch the pulling agent gave up delivering (after
/// <c>StreamPullingAgentOptions.MaxEventDeliveryTime</c>) and lets the stream go on; the subscription is not faulted.
/// </summary>
internal sealed partial class LoggingStreamFailureHandler(ILogger logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogDeliveryFailure(streamProviderName, streamIdentity, sequenceToken, subscriptionId);
        return Task.CompletedTask;
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogSubscriptionFailure(streamProviderName, streamIdentity, sequenceToken, subscriptionId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream provider {Provider} gave up delivering {Stream} at {Token} to subscription {Subscription}; the stream goes on without it.")]
    private partial void LogDeliveryFailure(string provider, StreamId stream, StreamSequenceToken? token, GuidId subscription);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream provider {Provider} could not start subscription {Subscription} on {Stream} at {Token}.")]
    private partial void LogSubscriptionFailure(string provider, StreamId stream, StreamSequenceToken? token, GuidId subscription);
}
