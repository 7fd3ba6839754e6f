using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace StratX.Streaming.Kafka;

/// <summary>
/// Answers librdkafka's OAUTHBEARER token refresh requests from <see cref="KafkaStreamOptions.OAuthBearerTokenProvider"/>.
/// librdkafka asks on one of its own threads and cannot wait, so the token is fetched in the background and handed
/// to the client when it arrives (or the failure is reported, and librdkafka asks again later).
/// </summary>
internal sealed partial class OAuthBearerTokenRefresher(
    Func<CancellationToken, Task<(string Token, DateTimeOffset ExpiresAt)>> provider,
    string principal,
    ILogger logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The handler for <c>SetOAuthBearerTokenRefreshHandler</c>.</summary>
    public void OnRefresh(IClient client, string config) => _ = RefreshAsync(client);

    private async Task RefreshAsync(IClient client)
    {
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            var (token, expiresAt) = await provider(timeout.Token).ConfigureAwait(false);
            client.OAuthBearerSetToken(token, expiresAt.ToUnixTimeMilliseconds(), principal);
            LogTokenSet(client.Name, expiresAt);
        }
        catch (ObjectDisposedException)
        {
            // The client closed while the token was on its way.
        }
        catch (Exception ex)
        {
            LogTokenFailed(ex, client.Name);
            try
            {
                client.OAuthBearerSetTokenFailure(ex.Message);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka client {Client} got an OAUTHBEARER token valid until {ExpiresAt:o}.")]
    private partial void LogTokenSet(string client, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka client {Client} could not get an OAUTHBEARER token; librdkafka will ask again.")]
    private partial void LogTokenFailed(Exception exception, string client);
}
