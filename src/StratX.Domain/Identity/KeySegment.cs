using System.Text.RegularExpressions;

namespace StratX.Domain.Identity;

/// <summary>
/// The rules every key segment obeys. Segments are joined with '/' into grain and stream keys, so a
/// segment may never contain one; they also end up in URLs and SignalR group names.
/// </summary>
internal static partial class KeySegment
{
    // \z, not $: '$' also matches before a final line break, which would let "acme\n" through.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,63}\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9]{1,8}\z")]
    private static partial Regex CarPattern();

    public static bool IsValidName(string? value) => value is not null && NamePattern().IsMatch(value);

    public static bool IsValidCar(string? value) => value is not null && CarPattern().IsMatch(value);

    public static string RequireName(string? value, string what) =>
        IsValidName(value)
            ? value!
            : throw new FormatException($"Invalid {what} '{value}': use 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit.");

    public static string RequireCar(string? value) =>
        IsValidCar(value)
            ? value!
            : throw new FormatException($"Invalid car '{value}': use 1-8 letters or digits (the car's race number).");
}
