using System.Globalization;
using Microsoft.Extensions.Logging.Testing;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>
/// What a captured log entry says beyond its message: its template's values and those of the scopes around it (the
/// request line's ApiKey, …), as text, the way a structured sink would record them.
/// </summary>
public static class LogRecordValues
{
    /// <summary>The entry's values, the template's over the scopes' where both name one.</summary>
    public static IReadOnlyDictionary<string, string?> Of(FakeLogRecord record)
    {
        var values = new Dictionary<string, string?>();
        foreach (var scope in record.Scopes)
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    values[key] = Convert.ToString(value, CultureInfo.InvariantCulture);
                }
            }
        }

        foreach (var (key, value) in record.StructuredState ?? [])
        {
            values[key] = value;
        }

        return values;
    }

    /// <summary>The entry as one line: level, message, every value and the exception, so a search sees all of it.</summary>
    public static string Line(FakeLogRecord record) =>
        $"{record.Level} {record.Message} {string.Join(' ', Of(record).Select(p => $"{p.Key}={p.Value}"))} {record.Exception}";
}
