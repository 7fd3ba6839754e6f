using System.Globalization;
using System.Text;
using System.Text.Json;
using StratX.Ingestion.Validation;

namespace StratX.Ingestion.Parsing;

/// <summary>
/// Reads a file holding one JSON array of objects, object by object, with the line each starts on. A broken
/// object is rejected and the next one read; a syntax error (a truncated file) is rejected with its line and
/// ends the file, keeping every object read before it.
/// </summary>
internal static class JsonArrayFile
{
    /// <summary>Reads a JSON array of objects held in memory (the whole file's bytes).</summary>
    public static void Read(byte[] bytes, string displayName, IRejectionSink rejections, Action<JsonObjectRow> onObject)
    {
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        long line = 1;
        var counted = 0;
        long LineAt(long index)
        {
            for (; counted < index; counted++)
            {
                if (bytes[counted] == (byte)'\n')
                {
                    line++;
                }
            }

            return line;
        }

        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                rejections.Reject(new InputRejection(displayName, 1, "expected a JSON array of objects"));
                return;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = LineAt(reader.TokenStartIndex);
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    rejections.Reject(new InputRejection(displayName, start, $"expected an object, found {reader.TokenType}"));
                    reader.Skip();
                    continue;
                }

                using var document = JsonDocument.ParseValue(ref reader);
                try
                {
                    onObject(new JsonObjectRow(document.RootElement, displayName, start));
                }
                catch (InvalidOperationException e) when (e.InnerException is null or DecoderFallbackException)
                {
                    // The JSON reader checks structure, not text: a string field holding bytes that are not UTF-8,
                    // or a lone surrogate escape (\ud800), only fails when the row reads it as a string.
                    rejections.Reject(new InputRejection(displayName, start, $"a text field of this object is not valid text ({e.Message}); the object is ignored"));
                }
            }
        }
        catch (JsonException e)
        {
            var at = e.LineNumber is { } zeroBased ? zeroBased + 1 : LineAt(reader.TokenStartIndex);
            rejections.Reject(new InputRejection(displayName, at, $"the JSON is broken or cut short here ({e.Message.Split(" Path:")[0]}); nothing after this point was read"));
        }
    }
}

/// <summary>One object of a JSON array file, with typed field access whose failures read as rejections.</summary>
internal readonly struct JsonObjectRow(JsonElement element, string file, long line)
{
    public string File => file;

    public long Line => line;

    public InputRejection Problem(string reason) => new(file, line, reason);

    public bool TryInt(string name, out int? value, out string? problem, bool required = false)
    {
        value = null;
        problem = null;
        if (!element.TryGetProperty(name, out var field) || field.ValueKind == JsonValueKind.Null)
        {
            problem = required ? $"{name} is missing" : null;
            return !required;
        }

        if (field.ValueKind == JsonValueKind.Number && field.TryGetInt32(out var number))
        {
            value = number;
            return true;
        }

        problem = $"{name} {Show(field)} is not a whole number";
        return false;
    }

    public bool TryDouble(string name, out double? value, out string? problem)
    {
        value = null;
        problem = null;
        if (!element.TryGetProperty(name, out var field) || field.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (field.ValueKind == JsonValueKind.Number && field.TryGetDouble(out var number) && double.IsFinite(number))
        {
            value = number;
            return true;
        }

        problem = $"{name} {Show(field)} is not a number";
        return false;
    }

    public bool TryBool(string name, out bool value, out string? problem)
    {
        value = false;
        problem = null;
        if (!element.TryGetProperty(name, out var field) || field.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (field.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            value = field.GetBoolean();
            return true;
        }

        problem = $"{name} {Show(field)} is not true or false";
        return false;
    }

    public bool TryInstant(string name, out DateTimeOffset? value, out string? problem)
    {
        value = null;
        problem = null;
        if (!element.TryGetProperty(name, out var field) || field.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (field.ValueKind == JsonValueKind.String && FieldParser.TryInstant(field.GetString(), out var instant))
        {
            value = instant;
            return true;
        }

        problem = $"{name} {Show(field)} is not a timestamp";
        return false;
    }

    public string? Text(string name) =>
        element.TryGetProperty(name, out var field) && field.ValueKind == JsonValueKind.String ? field.GetString() : null;

    private static string Show(JsonElement field) =>
        field.ValueKind == JsonValueKind.String ? $"\"{field.GetString()}\"" : field.GetRawText().ToString(CultureInfo.InvariantCulture);
}
