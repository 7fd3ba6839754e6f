using System.Globalization;

namespace StratX.Ingestion.Parsing;

/// <summary>
/// The number and time formats the feeds use, parsed without allocating. Every method says "no" rather
/// than throwing: the caller turns a "no" into a rejection that names the field.
/// </summary>
internal static class FieldParser
{
    private const NumberStyles Float = NumberStyles.Float;

    /// <summary>A number; empty and pandas' "nan" are missing (null), anything else unparseable fails.</summary>
    public static bool TryOptionalDouble(ReadOnlySpan<char> text, out double? value)
    {
        text = text.Trim();
        if (IsMissing(text))
        {
            value = null;
            return true;
        }

        var ok = double.TryParse(text, Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed);
        value = ok ? parsed : null;
        return ok;
    }

    /// <summary>A whole number, also written as a float ("5.0" in pandas output); missing is null.</summary>
    public static bool TryOptionalInt(ReadOnlySpan<char> text, out int? value)
    {
        value = null;
        if (!TryOptionalDouble(text, out var number))
        {
            return false;
        }

        if (number is null)
        {
            return true;
        }

        if (number.Value != Math.Floor(number.Value) || number.Value is < int.MinValue or > int.MaxValue)
        {
            return false;
        }

        value = (int)number.Value;
        return true;
    }

    public static bool TryBool(ReadOnlySpan<char> text, out bool value)
    {
        text = text.Trim();
        if (text.Equals("True", StringComparison.OrdinalIgnoreCase) || text.SequenceEqual("1"))
        {
            value = true;
            return true;
        }

        value = false;
        return text.Equals("False", StringComparison.OrdinalIgnoreCase) || text.SequenceEqual("0") || IsMissing(text);
    }

    /// <summary>An ISO-8601 instant ("2023-03-05T15:03:38.5+00:00", "…Z", or with a space for 'T' as OpenF1's weather writes it).</summary>
    public static bool TryInstant(ReadOnlySpan<char> text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    /// <summary>
    /// A pandas Timedelta as text: "0 days 01:05:23.781000"; missing ("", "NaT") is null. Up to a year: the
    /// times read are within a session, and a larger one could not be placed on the calendar.
    /// </summary>
    public static bool TryOptionalTimedelta(ReadOnlySpan<char> text, out TimeSpan? value)
    {
        value = null;
        text = text.Trim();
        if (IsMissing(text) || text.Equals("NaT", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var daysEnd = text.IndexOf(" days ", StringComparison.Ordinal);
        if (daysEnd <= 0
            || !int.TryParse(text[..daysEnd], NumberStyles.None, CultureInfo.InvariantCulture, out var days)
            || days > 366
            || !TimeSpan.TryParseExact(text[(daysEnd + 6)..], [@"hh\:mm\:ss\.FFFFFFF", @"hh\:mm\:ss"], CultureInfo.InvariantCulture, out var time))
        {
            return false;
        }

        value = TimeSpan.FromDays(days) + time;
        return true;
    }

    public static bool IsMissing(ReadOnlySpan<char> text) =>
        text.IsEmpty || text.Equals("nan", StringComparison.OrdinalIgnoreCase) || text.SequenceEqual(@"\N");
}
