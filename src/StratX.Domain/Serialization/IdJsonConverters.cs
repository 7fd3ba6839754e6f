using System.Text.Json;
using System.Text.Json.Serialization;
using StratX.Domain.Identity;

namespace StratX.Domain.Serialization;

/// <summary>Ids travel as plain strings in JSON ("44", "demo/2023-bahrain"), the way URLs and dashboards use them.</summary>
public abstract class StringIdJsonConverter<T> : JsonConverter<T>
{
    protected abstract T Parse(string text);

    protected abstract string Format(T value);

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString()!,
            JsonTokenType.Number => reader.GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new JsonException($"Expected a string for {typeof(T).Name}."),
        };
        try
        {
            return Parse(text);
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Format(value));

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Parse(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(Format(value));
}

public sealed class CarIdJsonConverter : StringIdJsonConverter<CarId>
{
    protected override CarId Parse(string text) => new(text);

    protected override string Format(CarId value) => value.Value;
}

public sealed class TenantIdJsonConverter : StringIdJsonConverter<TenantId>
{
    protected override TenantId Parse(string text) => new(text);

    protected override string Format(TenantId value) => value.Value;
}

public sealed class SessionIdJsonConverter : StringIdJsonConverter<SessionId>
{
    protected override SessionId Parse(string text) => new(text);

    protected override string Format(SessionId value) => value.Value;
}

public sealed class SessionKeyJsonConverter : StringIdJsonConverter<SessionKey>
{
    protected override SessionKey Parse(string text) => SessionKey.Parse(text);

    protected override string Format(SessionKey value) => value.ToString();
}

public sealed class CarKeyJsonConverter : StringIdJsonConverter<CarKey>
{
    protected override CarKey Parse(string text) => CarKey.Parse(text);

    protected override string Format(CarKey value) => value.ToString();
}
