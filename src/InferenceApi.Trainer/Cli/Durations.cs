using System.Globalization;
using System.Text.RegularExpressions;

namespace InferenceApi.Trainer.Cli;

/// <summary>Durations as people write them: <c>90s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>, or a TimeSpan (<c>00:05:00</c>).</summary>
public static partial class Durations
{
    public static TimeSpan? TryParse(string text)
    {
        text = text.Trim();
        var match = UnitsPattern().Match(text);
        if (match.Success && match.Length == text.Length && text.Length > 0)
        {
            var total = TimeSpan.Zero;
            foreach (Capture part in match.Groups["part"].Captures)
            {
                var piece = UnitPattern().Match(part.Value);
                var value = double.Parse(piece.Groups["value"].Value, CultureInfo.InvariantCulture);
                total += piece.Groups["unit"].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(value),
                    "s" => TimeSpan.FromSeconds(value),
                    "m" => TimeSpan.FromMinutes(value),
                    _ => TimeSpan.FromHours(value),
                };
            }

            return total;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : null;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ms|s|m|h))+$")]
    private static partial Regex UnitsPattern();

    [GeneratedRegex(@"^(?<value>\d+(\.\d+)?)(?<unit>ms|s|m|h)$")]
    private static partial Regex UnitPattern();
}
