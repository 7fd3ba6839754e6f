using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace StratX.Grains.TeamTelemetry;

/// <summary>
/// The dead-letter record of a rejected message: the original key and value, untouched; the original headers
/// (except any named <c>stratx-…</c>); and the <c>stratx-…</c> headers below, as UTF-8 text.
/// </summary>
public static class TeamTelemetryDeadLetter
{
    /// <summary>The reason's stable code (<see cref="TelemetryRejectionReasons.Code"/>).</summary>
    public const string ReasonHeader = "stratx-reason";

    /// <summary>What exactly was wrong, in a sentence.</summary>
    public const string DetailHeader = "stratx-detail";

    public const string SourceTopicHeader = "stratx-source-topic";

    /// <summary>Decimal.</summary>
    public const string SourcePartitionHeader = "stratx-source-partition";

    /// <summary>Decimal.</summary>
    public const string SourceOffsetHeader = "stratx-source-offset";

    /// <summary>
    /// Only when the dead-letter topic refused the original value for its size: the value's length in bytes
    /// (decimal), and the record then has no value.
    /// </summary>
    public const string ValueDroppedHeader = "stratx-value-dropped";

    private const string OwnPrefix = "stratx-";

    /// <summary>The dead-letter record for <paramref name="source"/>.</summary>
    public static Message<byte[], byte[]> Create(ConsumeResult<byte[], byte[]> source, TelemetryRejection rejection, bool dropValue = false)
    {
        var headers = new Headers();
        if (source.Message.Headers is { } original)
        {
            foreach (var header in original)
            {
                if (!header.Key.StartsWith(OwnPrefix, StringComparison.Ordinal))
                {
                    headers.Add(header.Key, header.GetValueBytes());
                }
            }
        }

        Add(headers, ReasonHeader, rejection.Code);
        Add(headers, DetailHeader, rejection.Detail);
        Add(headers, SourceTopicHeader, source.Topic);
        Add(headers, SourcePartitionHeader, source.Partition.Value.ToString(CultureInfo.InvariantCulture));
        Add(headers, SourceOffsetHeader, source.Offset.Value.ToString(CultureInfo.InvariantCulture));
        if (dropValue)
        {
            Add(headers, ValueDroppedHeader, (source.Message.Value?.Length ?? 0).ToString(CultureInfo.InvariantCulture));
        }

        var value = dropValue ? null : source.Message.Value;
        return new Message<byte[], byte[]>
        {
            Key = source.Message.Key,
            Value = value!,
            Headers = headers,
        };
    }

    /// <summary>A header's text, or null when the record does not carry it.</summary>
    public static string? Header(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static void Add(Headers headers, string name, string value) => headers.Add(name, Encoding.UTF8.GetBytes(value));
}
