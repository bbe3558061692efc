using System.Text.Json;

namespace InferenceApi.Core.Templating;

/// <summary>
/// The variables a template renders with. <see cref="Set(string, object?)"/> takes strings, booleans, numbers, null,
/// lists, string-keyed dictionaries and <see cref="JsonElement"/>s, and turns them into template values.
/// </summary>
public sealed class JinjaContext
{
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public JinjaContext(TimeProvider? time = null) => Time = time ?? TimeProvider.System;

    /// <summary>The clock <c>strftime_now</c> reads (Llama 3.1's template prints today's date).</summary>
    public TimeProvider Time { get; }

    internal IReadOnlyDictionary<string, object?> Values => _values;

    public JinjaContext Set(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _values[name] = Convert(value);
        return this;
    }

    private static object? Convert(object? value) => value switch
    {
        null => null,
        string or bool or long or double => value,
        int i => (long)i,
        float f => (double)f,
        JsonElement json => FromJson(json),
        IDictionary<string, object?> dict => ToDict(dict.Select(p => (p.Key, p.Value))),
        IDictionary<string, string> dict => ToDict(dict.Select(p => (p.Key, (object?)p.Value))),
        System.Collections.IEnumerable items => items.Cast<object?>().Select(Convert).ToList(),
        _ => value.ToString(),
    };

    private static OrderedDictionary<object, object?> ToDict(IEnumerable<(string Key, object? Value)> pairs)
    {
        var dict = new OrderedDictionary<object, object?>();
        foreach ((string key, object? value) in pairs)
        {
            dict[key] = Convert(value);
        }

        return dict;
    }

    private static object? FromJson(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => json.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => json.TryGetInt64(out long l) ? l : json.GetDouble(),
        JsonValueKind.Array => json.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => ToDict(json.EnumerateObject().Select(p => (p.Name, (object?)p.Value))),
        _ => null,
    };
}
