using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StratX.Streaming.Kafka;

/// <summary>Builds the provider's librdkafka clients with their log, error and OAUTHBEARER handlers.</summary>
public static partial class KafkaClients
{
    /// <summary>Builds the producer a provider shares for all its writes.</summary>
    public static IProducer<byte[], byte[]> CreateProducer(KafkaStreamOptions options, string providerName, ILogger logger)
    {
        var builder = new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.ForProducer(options, providerName))
            .SetLogHandler((_, message) => LogLibrdkafka(logger, message))
            .SetErrorHandler((_, error) => LogClientError(logger, error));
        if (TokenRefresher(options, logger) is { } refresher)
        {
            builder.SetOAuthBearerTokenRefreshHandler(refresher.OnRefresh);
        }

        return builder.Build();
    }

    /// <summary>Builds the reader of one partition (assigned by the caller, never subscribed).</summary>
    public static IConsumer<byte[], byte[]> CreateConsumer(KafkaStreamOptions options, string providerName, int partition, ILogger logger)
    {
        var builder = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.ForConsumer(options, providerName, partition))
            .SetLogHandler((_, message) => LogLibrdkafka(logger, message))
            .SetErrorHandler((_, error) => LogClientError(logger, error));
        if (TokenRefresher(options, logger) is { } refresher)
        {
            builder.SetOAuthBearerTokenRefreshHandler(refresher.OnRefresh);
        }

        return builder.Build();
    }

    /// <summary>Builds an admin client (for metadata).</summary>
    public static IAdminClient CreateAdminClient(KafkaStreamOptions options, string providerName, ILogger logger)
    {
        var builder = new AdminClientBuilder(KafkaClientConfigs.ForAdmin(options, providerName))
            .SetLogHandler((_, message) => LogLibrdkafka(logger, message))
            .SetErrorHandler((_, error) => LogClientError(logger, error));
        if (TokenRefresher(options, logger) is { } refresher)
        {
            builder.SetOAuthBearerTokenRefreshHandler(refresher.OnRefresh);
        }

        return builder.Build();
    }

    private static OAuthBearerTokenRefresher? TokenRefresher(KafkaStreamOptions options, ILogger logger)
    {
        if (options.OAuthBearerTokenProvider is null)
        {
            return null;
        }

        var principal = options.OAuthBearerPrincipal ?? (string.IsNullOrWhiteSpace(options.SaslUsername) ? "orleans" : options.SaslUsername);
        return new OAuthBearerTokenRefresher(options.OAuthBearerTokenProvider, principal, logger);
    }

    private static void LogLibrdkafka(ILogger logger, LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        LogLibrdkafkaMessage(logger, level, message.Name, message.Facility, message.Message);
    }

    private static void LogClientError(ILogger logger, Error error)
    {
        if (error.IsFatal)
        {
            LogFatalClientError(logger, error.Code, error.Reason);
        }
        else
        {
            LogTransientClientError(logger, error.Code, error.Reason);
        }
    }

    [LoggerMessage(Message = "librdkafka {Client} [{Facility}]: {Text}")]
    private static partial void LogLibrdkafkaMessage(ILogger logger, LogLevel level, string client, string facility, string text);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kafka client error (fatal) {Code}: {Reason}")]
    private static partial void LogFatalClientError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka client error {Code}: {Reason}; librdkafka retries on its own.")]
    private static partial void LogTransientClientError(ILogger logger, Confluent.Kafka.ErrorCode code, string reason);
}
