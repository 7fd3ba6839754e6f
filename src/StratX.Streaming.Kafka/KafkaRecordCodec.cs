using System.Text;
using Confluent.Kafka;
using Orleans.Serialization;

namespace StratX.Streaming.Kafka;

/// <summary>
/// The record format: key = the stream id (text, for people and tools), value = the Orleans-serialised
/// <see cref="KafkaBatchContainer"/>, and a header marking records written by this provider.
/// </summary>
internal sealed class KafkaRecordCodec(Serializer serializer)
{
    /// <summary>The header every record of the provider carries; its value is the format version.</summary>
    public const string FormatHeader = "orleans-batch";

    private static readonly byte[] FormatVersion = [1];

    public Message<byte[], byte[]> Encode(StreamId streamId, KafkaBatchContainer batch) => new()
    {
        Key = Encoding.UTF8.GetBytes(streamId.ToString()),
        Value = serializer.SerializeToArray(batch),
        Headers = new Headers { { FormatHeader, FormatVersion } },
    };

    /// <summary>The batch in a record, or null with the reason when the record is not one of the provider's.</summary>
    public KafkaBatchContainer? TryDecode(ConsumeResult<byte[], byte[]> record, out string? problem)
    {
        problem = null;
        var headers = record.Message.Headers;
        if (headers is null || !headers.TryGetLastBytes(FormatHeader, out var version))
        {
            problem = $"it has no '{FormatHeader}' header";
            return null;
        }

        if (version is not [1])
        {
            problem = $"its format version is not 1";
            return null;
        }

        if (record.Message.Value is not { Length: > 0 } value)
        {
            problem = "it has no value";
            return null;
        }

        try
        {
            var batch = serializer.Deserialize<KafkaBatchContainer>(value);
            if (batch is null)
            {
                problem = "its value is an empty batch";
                return null;
            }

            batch.SetOffset(record.Offset.Value);
            return batch;
        }
        catch (Exception ex)
        {
            problem = $"its value could not be deserialised ({ex.GetType().Name}: {ex.Message})";
            return null;
        }
    }
}
