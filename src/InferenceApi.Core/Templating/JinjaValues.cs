using System.Globalization;
using System.Text;

namespace InferenceApi.Core.Templating;

/// <summary>
/// The value model: <c>null</c> (none), <see cref="JinjaUndefined"/>, bool, long, double, string, <c>List&lt;object?&gt;</c>,
/// <c>OrderedDictionary&lt;object, object?&gt;</c>, <see cref="JinjaNamespace"/> and <see cref="JinjaFunction"/>; with Python's
/// truth, equality and ordering, and the reference renderer's printing (true/false, lists and dicts as JSON).
/// </summary>
internal static class JinjaValues
{
    public static bool IsTrue(object? value) => value switch
    {
        null or JinjaUndefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        OrderedDictionary<object, object?> dict => dict.Count > 0,
        _ => true,
    };

    public static string TypeName(object? value) => value switch
    {
        null => "none",
        JinjaUndefined => "undefined",
        bool => "boolean",
        long => "integer",
        double => "float",
        string => "string",
        List<object?> => "list",
        OrderedDictionary<object, object?> => "dict",
        JinjaNamespace => "namespace",
        JinjaFunction => "function",
        _ => value.GetType().Name,
    };

    public static bool AreEqual(object? left, object? right) => (left, right) switch
    {
        (null, null) or (JinjaUndefined, JinjaUndefined) => true,
        (long a, long b) => a == b,
        (long or double, long or double) => Convert.ToDouble(left, CultureInfo.InvariantCulture) == Convert.ToDouble(right, CultureInfo.InvariantCulture),
        (string a, string b) => string.Equals(a, b, StringComparison.Ordinal),
        (bool a, bool b) => a == b,
        (List<object?> a, List<object?> b) => a.Count == b.Count && a.Zip(b).All(p => AreEqual(p.First, p.Second)),
        (OrderedDictionary<object, object?> a, OrderedDictionary<object, object?> b) =>
            a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out object? v) && AreEqual(p.Value, v)),
        _ => ReferenceEquals(left, right),
    };

    /// <exception cref="TemplateException">The values cannot be ordered (a string and a number).</exception>
    public static int Compare(object? left, object? right, int line) => (left, right) switch
    {
        (long a, long b) => a.CompareTo(b),
        (long or double, long or double) => Convert.ToDouble(left, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(right, CultureInfo.InvariantCulture)),
        (string a, string b) => string.CompareOrdinal(a, b),
        (bool a, bool b) => a.CompareTo(b),
        _ => throw JinjaEvaluator.Error(line, $"cannot compare {TypeName(left)} with {TypeName(right)}"),
    };

    /// <summary>The items a for loop or filter walks: a list's items, a dict's keys, a string's characters.</summary>
    public static List<object?> Iterate(object? value, int line) => value switch
    {
        List<object?> list => list,
        OrderedDictionary<object, object?> dict => [.. dict.Keys],
        string s => [.. EnumerateChars(s)],
        JinjaUndefined or null => [],
        _ => throw JinjaEvaluator.Error(line, $"{TypeName(value)} is not iterable"),
    };

    public static string ToText(object? value) => value switch
    {
        null or JinjaUndefined => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatDouble(d),
        List<object?> or OrderedDictionary<object, object?> => ToJson(value, null),
        JinjaNamespace => "[object Namespace]",
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>JSON as Python's <c>json.dumps(ensure_ascii=False)</c> writes it (", " and ": "), or indented by <paramref name="indent"/> spaces.</summary>
    public static string ToJson(object? value, int? indent)
    {
        var json = new StringBuilder();
        WriteJson(json, value, indent, 0);
        return json.ToString();
    }

    public static string FormatDouble(double value) =>
        double.IsFinite(value) && value == Math.Floor(value) && Math.Abs(value) < 1e21
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);

    private static IEnumerable<object?> EnumerateChars(string text)
    {
        for (int i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            yield return char.IsSurrogatePair(text, i) ? text.Substring(i, 2) : text[i].ToString();
        }
    }

    private static void WriteJson(StringBuilder json, object? value, int? indent, int depth)
    {
        switch (value)
        {
            case null or JinjaUndefined:
                json.Append("null");
                break;
            case bool b:
                json.Append(b ? "true" : "false");
                break;
            case long or double:
                json.Append(ToText(value));
                break;
            case string s:
                WriteJsonString(json, s);
                break;
            case List<object?> list:
                WriteJsonItems(json, '[', ']', list.Count, indent, depth, i => WriteJson(json, list[i], indent, depth + 1));
                break;
            case OrderedDictionary<object, object?> dict:
                WriteJsonItems(json, '{', '}', dict.Count, indent, depth, i =>
                {
                    WriteJsonString(json, ToText(dict.GetAt(i).Key));
                    json.Append(": ");
                    WriteJson(json, dict.GetAt(i).Value, indent, depth + 1);
                });
                break;
            case JinjaNamespace ns:
                var copy = new OrderedDictionary<object, object?>();
                foreach ((string k, object? v) in ns.Attributes)
                {
                    copy[k] = v;
                }

                WriteJson(json, copy, indent, depth);
                break;
            default:
                WriteJsonString(json, ToText(value));
                break;
        }
    }

    private static void WriteJsonItems(StringBuilder json, char open, char close, int count, int? indent, int depth, Action<int> item)
    {
        json.Append(open);
        for (int i = 0; i < count; i++)
        {
            if (indent is int width)
            {
                json.Append(i == 0 ? "\n" : ",\n").Append(' ', width * (depth + 1));
            }
            else if (i > 0)
            {
                json.Append(", ");
            }

            item(i);
        }

        if (indent is int size && count > 0)
        {
            json.Append('\n').Append(' ', size * depth);
        }

        json.Append(close);
    }

    private static void WriteJsonString(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case < ' ': json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: json.Append(c); break;
            }
        }

        json.Append('"');
    }
}
