using System.Globalization;

namespace InferenceApi.LoadGen.Timing;

/// <summary>Parses the durations the CLI takes: "30s", "500ms", "2m", "1h", or a bare number of seconds.</summary>
public static class Durations
{
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim().ToLowerInvariant();
        (string number, double scale) = s switch
        {
            _ when s.EndsWith("ms", StringComparison.Ordinal) => (s[..^2], 0.001),
            _ when s.EndsWith('s') => (s[..^1], 1.0),
            _ when s.EndsWith('m') => (s[..^1], 60.0),
            _ when s.EndsWith('h') => (s[..^1], 3600.0),
            _ => (s, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new FormatException($"'{text}' is not a duration; use e.g. 30s, 500ms, 2m.");
        }

        return TimeSpan.FromSeconds(value * scale);
    }
}
