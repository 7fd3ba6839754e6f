using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using StratX.Domain.Events;
using StratX.Domain.Identity;

namespace StratX.Grains.TeamTelemetry;

/// <summary>A message that passed validation, or why it did not.</summary>
public readonly record struct TeamTelemetryValidation(TeamTelemetryMessage? Message, TelemetryRejection? Rejection)
{
    public bool IsValid => Message is not null;
}

/// <summary>
/// Checks a team telemetry message against the schema of docs/TELEMETRY.md and turns it into samples, without
/// looking at any state: size first (before a byte is parsed), then JSON syntax, then the schema. A message
/// that is not JSON anywhere is <c>not-json</c> even where a schema problem comes before the broken part; of
/// several schema problems the first in the message is reported. Never throws on input.
/// </summary>
public static class TeamTelemetryValidator
{
    public const int DefaultMaxMessageBytes = 64 * 1024;

    public const int MaxSamples = 1000;

    public const int MaxSpeed = 400;

    public const int MaxRpm = 20_000;

    public const int MaxGear = 8;

    public const int MaxDrs = 14;

    /// <summary>How much of an offending value a rejection repeats.</summary>
    private const int EchoLimit = 40;

    /// <summary>A sample's fields, in the order their absence is reported.</summary>
    private static readonly string[] SampleFields = ["t", "speed", "rpm", "gear", "throttle", "brake", "drs"];

    public static TeamTelemetryValidation Validate(ReadOnlySpan<byte> message, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        if (message.Length > maxMessageBytes)
        {
            return Reject(TelemetryRejectionReason.Oversized, $"the message is {message.Length} bytes; the limit is {maxMessageBytes}");
        }

        var json = message.StartsWith("\uFEFF"u8) ? message[3..] : message;
        if (json.IsEmpty)
        {
            return Reject(TelemetryRejectionReason.NotJson, "the message is empty");
        }

        if (!Utf8.IsValid(json))
        {
            return Reject(TelemetryRejectionReason.NotJson, "the message is not valid UTF-8");
        }

        var parser = new Parser();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            parser.ReadMessage(ref reader);
        }
        catch (JsonException e)
        {
            return Reject(TelemetryRejectionReason.NotJson, e.Message);
        }
        catch (InvalidOperationException e)
        {
            // Well-formed JSON whose string escapes are not text (a lone surrogate such as \ud800).
            return Reject(TelemetryRejectionReason.NotJson, $"a string is not valid text: {e.Message}");
        }

        return parser.Problem is { } problem
            ? Reject(TelemetryRejectionReason.Schema, problem)
            : new TeamTelemetryValidation(parser.Build(), null);
    }

    private static TeamTelemetryValidation Reject(TelemetryRejectionReason reason, string detail) => new(null, new TelemetryRejection(reason, detail));

    /// <summary>Reads the whole message (so a syntax error anywhere wins over a schema problem) and keeps the first schema problem.</summary>
    private sealed class Parser
    {
        private string? _tenant;
        private string? _session;
        private string? _car;
        private long? _seq;
        private List<TelemetrySample>? _samples;
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public string? Problem { get; private set; }

        private void Fail(string problem) => Problem ??= problem;

        public TeamTelemetryMessage Build() => new()
        {
            Car = new SessionKey(new TenantId(_tenant!), new SessionId(_session!)).Car(new CarId(_car!)),
            Seq = _seq!.Value,
            Samples = [.. _samples!],
        };

        public void ReadMessage(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                Fail($"the message must be a JSON object, not {Describe(ref reader)}");
                reader.Skip();
            }
            else
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    reader.Read();
                    ReadProperty(ref reader, name);
                }

                foreach (var required in (string[])["tenant", "session", "car", "seq", "samples"])
                {
                    if (!_seen.Contains(required))
                    {
                        Fail($"{required} is missing (names are case-sensitive)");
                    }
                }
            }

            // Only whitespace may follow the message; anything else makes the reader throw.
            while (reader.Read())
            {
            }
        }

        private void ReadProperty(ref Utf8JsonReader reader, string name)
        {
            var known = name is "tenant" or "session" or "car" or "seq" or "samples";
            if (known && !_seen.Add(name))
            {
                Fail($"{name} appears more than once");
                reader.Skip();
                return;
            }

            switch (name)
            {
                case "tenant":
                    _tenant = ReadId(ref reader, name, TenantId.IsValid, "1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit");
                    break;
                case "session":
                    _session = ReadId(ref reader, name, SessionId.IsValid, "1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit");
                    break;
                case "car":
                    _car = ReadId(ref reader, name, CarId.IsValid, "1-8 letters or digits, the car's race number");
                    break;
                case "seq":
                    _seq = ReadSeq(ref reader);
                    break;
                case "samples":
                    ReadSamples(ref reader);
                    break;
                default:
                    // Unknown fields are ignored, so senders may add fields before StratX reads them.
                    reader.Skip();
                    break;
            }
        }

        private string? ReadId(ref Utf8JsonReader reader, string name, Func<string?, bool> isValid, string rule)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                Fail($"{name} must be a string, not {Describe(ref reader)}");
                reader.Skip();
                return null;
            }

            var value = reader.GetString();
            if (!isValid(value))
            {
                Fail($"{name} '{Echo(value)}' is not valid: use {rule}");
                return null;
            }

            return value;
        }

        private long? ReadSeq(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                Fail($"seq must be a whole number from 1, not {Describe(ref reader)}");
                reader.Skip();
                return null;
            }

            if (!reader.TryGetInt64(out var seq))
            {
                Fail($"seq {Raw(ref reader)} is not a whole number");
                return null;
            }

            if (seq < 1)
            {
                Fail($"seq {seq} must be at least 1");
                return null;
            }

            return seq;
        }

        private void ReadSamples(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                Fail($"samples must be an array, not {Describe(ref reader)}");
                reader.Skip();
                return;
            }

            _samples = new List<TelemetrySample>(64);
            var count = 0;
            long previousTicks = long.MinValue;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (count >= MaxSamples)
                {
                    reader.Skip();
                }
                else if (ReadSample(ref reader, count, previousTicks) is { } sample)
                {
                    _samples.Add(sample);
                    previousTicks = sample.UtcTicks;
                }

                count++;
            }

            if (count == 0)
            {
                Fail($"samples is empty: send 1 to {MaxSamples} samples");
            }
            else if (count > MaxSamples)
            {
                Fail($"samples has {count} entries; at most {MaxSamples} are allowed");
            }
        }

        private TelemetrySample? ReadSample(ref Utf8JsonReader reader, int index, long previousTicks)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                Fail($"samples[{index}] must be an object, not {Describe(ref reader)}");
                reader.Skip();
                return null;
            }

            long ticks = 0;
            int speed = 0, rpm = 0, gear = 0, throttle = 0, brake = 0, drs = 0;
            var seen = 0;
            var bad = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = SampleField(ref reader);
                reader.Read();
                if (field < 0)
                {
                    reader.Skip();
                    continue;
                }

                if ((seen & (1 << field)) != 0)
                {
                    Fail($"samples[{index}].{SampleFields[field]} appears more than once");
                    reader.Skip();
                    bad = true;
                    continue;
                }

                seen |= 1 << field;
                bad |= field switch
                {
                    0 => !TryReadTime(ref reader, index, out ticks),
                    1 => !TryReadInt(ref reader, index, "speed", 0, MaxSpeed, "0-400 km/h", out speed),
                    2 => !TryReadInt(ref reader, index, "rpm", 0, MaxRpm, "0-20000", out rpm),
                    3 => !TryReadInt(ref reader, index, "gear", 0, MaxGear, "0-8", out gear),
                    4 => !TryReadInt(ref reader, index, "throttle", 0, 100, "0-100 %, or 104 for a stationary car", out throttle, TelemetrySample.StationaryArtefact),
                    5 => !TryReadBrake(ref reader, index, out brake),
                    _ => !TryReadInt(ref reader, index, "drs", 0, MaxDrs, "0-14 as the feed codes it (0/1 off, 8 eligible, 10/12/14 open)", out drs),
                };
            }

            if (bad)
            {
                return null;
            }

            for (var field = 0; field < SampleFields.Length; field++)
            {
                if ((seen & (1 << field)) == 0)
                {
                    Fail($"samples[{index}].{SampleFields[field]} is missing (names are case-sensitive)");
                    return null;
                }
            }

            if (ticks < previousTicks)
            {
                Fail($"samples[{index}].t {Time(ticks)} is earlier than samples[{index - 1}].t {Time(previousTicks)}: times must not decrease within a message");
                return null;
            }

            return new TelemetrySample(ticks, (short)speed, rpm, (byte)gear, (byte)throttle, (byte)brake, (byte)drs);
        }

        private static int SampleField(ref Utf8JsonReader reader)
        {
            for (var field = 0; field < SampleFields.Length; field++)
            {
                if (reader.ValueTextEquals(SampleFields[field]))
                {
                    return field;
                }
            }

            return -1;
        }

        private bool TryReadTime(ref Utf8JsonReader reader, int index, out long ticks)
        {
            ticks = 0;
            if (reader.TokenType != JsonTokenType.String)
            {
                Fail($"samples[{index}].t must be an ISO-8601 UTC time string, not {Describe(ref reader)}");
                reader.Skip();
                return false;
            }

            if (reader.ValueIsEscaped || !HasZone(reader.ValueSpan) || !reader.TryGetDateTimeOffset(out var at))
            {
                Fail($"samples[{index}].t '{Echo(reader.GetString())}' is not an ISO-8601 UTC time such as 2024-04-21T07:36:39.962Z");
                return false;
            }

            if (at.Offset != TimeSpan.Zero)
            {
                Fail($"samples[{index}].t '{Echo(reader.GetString())}' is not UTC: end it in Z");
                return false;
            }

            ticks = at.UtcTicks;
            return true;
        }

        /// <summary>Without a zone the reader would take the silo's local time; the schema wants Z (or +00:00) written out.</summary>
        private static bool HasZone(ReadOnlySpan<byte> text) =>
            text.Length > 6 && (text[^1] is (byte)'Z' or (byte)'z' || (text[^6] is (byte)'+' or (byte)'-' && text[^3] == (byte)':'));

        private bool TryReadInt(ref Utf8JsonReader reader, int index, string field, int min, int max, string range, out int value, int? alsoAllowed = null)
        {
            value = 0;
            if (reader.TokenType != JsonTokenType.Number)
            {
                Fail($"samples[{index}].{field} must be a number ({range}), not {Describe(ref reader)}");
                reader.Skip();
                return false;
            }

            if (!reader.TryGetInt32(out value))
            {
                Fail($"samples[{index}].{field} {Raw(ref reader)} is not a whole number ({range})");
                return false;
            }

            if ((value < min || value > max) && value != alsoAllowed)
            {
                Fail($"samples[{index}].{field} {value} is outside {range}");
                return false;
            }

            return true;
        }

        private bool TryReadBrake(ref Utf8JsonReader reader, int index, out int value)
        {
            const string Range = "0 or 100, or 104 for a stationary car";
            if (!TryReadInt(ref reader, index, "brake", 0, TelemetrySample.StationaryArtefact, Range, out value))
            {
                return false;
            }

            if (value is not (0 or 100 or TelemetrySample.StationaryArtefact))
            {
                Fail($"samples[{index}].brake {value} is outside {Range}");
                return false;
            }

            return true;
        }

        private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
        {
            JsonTokenType.String => $"the string \"{Echo(reader.GetString())}\"",
            JsonTokenType.Number => $"the number {Raw(ref reader)}",
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => "null",
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            var other => other.ToString(),
        };

        private static string Raw(ref Utf8JsonReader reader) => Echo(Encoding.UTF8.GetString(reader.ValueSpan));

        private static string Echo(string? value) =>
            value is null ? "" : value.Length <= EchoLimit ? value : string.Concat(value.AsSpan(0, EchoLimit), "...");

        private static string Time(long ticks) => new DateTimeOffset(ticks, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
    }
}
