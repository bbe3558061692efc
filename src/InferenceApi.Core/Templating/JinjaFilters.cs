using System.Globalization;
using System.Net;
using System.Text;

namespace InferenceApi.Core.Templating;

/// <summary>The filters (<c>x | trim</c>) and tests (<c>x is defined</c>) that chat templates use, with Jinja's meaning.</summary>
internal static class JinjaFilters
{
    public static object? Apply(string name, object? value, List<object?> args, Dictionary<string, object?> keywords, int line)
    {
        object? Arg(int index, string keyword, object? fallback = null) => index < args.Count ? args[index] : keywords.TryGetValue(keyword, out object? v) ? v : fallback;

        switch (name)
        {
            case "trim":
                return Arg(0, "chars") is string chars ? Text(value).Trim(chars.ToCharArray()) : Text(value).Trim();
            case "length" or "count":
                return value switch
                {
                    string s => (long)s.Length,
                    List<object?> list => (long)list.Count,
                    OrderedDictionary<object, object?> entries => (long)entries.Count,
                    JinjaUndefined or null => 0L,
                    _ => throw JinjaEvaluator.Error(line, $"{JinjaValues.TypeName(value)} has no length"),
                };
            case "tojson":
                return JinjaValues.ToJson(value, Arg(0, "indent") is { } indent and not JinjaUndefined ? (int)JinjaOperators.ToLong(indent, line, "tojson's indent") : null);
            case "capitalize":
                return Capitalize(Text(value));
            case "title":
                return Title(Text(value));
            case "lower":
                return Text(value).ToLowerInvariant();
            case "upper":
                return Text(value).ToUpperInvariant();
            case "default" or "d":
                bool boolean = JinjaValues.IsTrue(Arg(1, "boolean", false));
                return value is JinjaUndefined || (boolean && !JinjaValues.IsTrue(value)) ? Arg(0, "default_value", string.Empty) : value;
            case "join":
                List<object?> parts = JinjaValues.Iterate(value, line);
                if (Arg(1, "attribute") is { } attribute and not JinjaUndefined)
                {
                    parts = [.. parts.Select(p => JinjaMethods.GetItem(p, attribute, line))];
                }

                return string.Join(Text(Arg(0, "d", string.Empty)), parts.Select(JinjaValues.ToText));
            case "first":
                return JinjaValues.Iterate(value, line) is { Count: > 0 } firstItems ? firstItems[0] : JinjaUndefined.Instance;
            case "last":
                return JinjaValues.Iterate(value, line) is { Count: > 0 } lastItems ? lastItems[^1] : JinjaUndefined.Instance;
            case "list":
                return new List<object?>(JinjaValues.Iterate(value, line));
            case "string":
                return JinjaValues.ToText(value);
            case "int":
                return value switch
                {
                    long l => l,
                    double d => (long)Math.Truncate(d),
                    bool b => b ? 1L : 0L,
                    string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => (long)Math.Truncate(parsed),
                    _ => Arg(0, "default", 0L),
                };
            case "float":
                return value switch
                {
                    long l => (double)l,
                    double d => d,
                    string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
                    _ => Arg(0, "default", 0.0),
                };
            case "abs":
                return value switch
                {
                    long l => Math.Abs(l),
                    double d => Math.Abs(d),
                    _ => throw JinjaEvaluator.Error(line, $"abs needs a number, not {JinjaValues.TypeName(value)}"),
                };
            case "round":
                int digits = (int)JinjaOperators.ToLong(Arg(0, "precision", 0L), line, "round's precision");
                double number = value is long ln ? ln : value is double dn ? dn : 0;
                string method = Text(Arg(1, "method", "common"));
                double factor = Math.Pow(10, digits);
                return method switch
                {
                    "floor" => Math.Floor(number * factor) / factor,
                    "ceil" => Math.Ceiling(number * factor) / factor,
                    _ => Math.Round(number, digits, MidpointRounding.AwayFromZero),
                };
            case "replace":
                string text = Text(value);
                return args.Count >= 2 ? text.Replace(Text(args[0]), Text(args[1]), StringComparison.Ordinal) : text;
            case "reverse":
                return value is string str ? new string(str.Reverse().ToArray()) : Enumerable.Reverse(JinjaValues.Iterate(value, line)).ToList();
            case "sort":
                bool descending = JinjaValues.IsTrue(Arg(0, "reverse", false));
                object? by = Arg(2, "attribute");
                List<object?> sorted = [.. JinjaValues.Iterate(value, line)];
                sorted.Sort((a, b) => JinjaValues.Compare(Key(a, by, line), Key(b, by, line), line) * (descending ? -1 : 1));
                return sorted;
            case "unique":
                var unique = new List<object?>();
                foreach (object? item in JinjaValues.Iterate(value, line).Where(item => !unique.Any(u => JinjaValues.AreEqual(u, item))))
                {
                    unique.Add(item);
                }

                return unique;
            case "items":
                return value is OrderedDictionary<object, object?> map
                    ? map.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()
                    : throw JinjaEvaluator.Error(line, $"items needs a dict, not {JinjaValues.TypeName(value)}");
            case "dictsort":
                return value is OrderedDictionary<object, object?> dict
                    ? dict.OrderBy(p => JinjaValues.ToText(p.Key), StringComparer.OrdinalIgnoreCase).Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()
                    : throw JinjaEvaluator.Error(line, $"dictsort needs a dict, not {JinjaValues.TypeName(value)}");
            case "map":
                if (keywords.TryGetValue("attribute", out object? mapped))
                {
                    return JinjaValues.Iterate(value, line).Select(item => JinjaMethods.GetItem(item, mapped, line) is JinjaUndefined && keywords.TryGetValue("default", out object? d) ? d : JinjaMethods.GetItem(item, mapped, line)).ToList();
                }

                string filter = Text(Arg(0, "filter"));
                return JinjaValues.Iterate(value, line).Select(item => Apply(filter, item, args.Skip(1).ToList(), [], line)).ToList();
            case "select" or "reject":
                bool keep = name == "select";
                return JinjaValues.Iterate(value, line)
                    .Where(item => (args.Count == 0 ? JinjaValues.IsTrue(item) : Test(Text(args[0]), item, args.Skip(1).ToList(), line)) == keep).ToList();
            case "selectattr" or "rejectattr":
                bool wanted = name == "selectattr";
                object? key = Arg(0, "attribute");
                return JinjaValues.Iterate(value, line).Where(item =>
                {
                    object? field = JinjaMethods.GetItem(item, key, line);
                    return (args.Count < 2 ? JinjaValues.IsTrue(field) : Test(Text(args[1]), field, args.Skip(2).ToList(), line)) == wanted;
                }).ToList();
            case "indent":
                int width = (int)JinjaOperators.ToLong(Arg(0, "width", 4L), line, "indent's width");
                bool indentFirst = JinjaValues.IsTrue(Arg(1, "first", false));
                string pad = new(' ', width);
                string[] lines = Text(value).Split('\n');
                return string.Join('\n', lines.Select((l, i) => (i > 0 || indentFirst) && l.Length > 0 ? pad + l : l));
            case "safe":
                return value;
            case "e" or "escape":
                return WebUtility.HtmlEncode(Text(value));
            case "attr":
                return JinjaMethods.GetAttribute(value, Text(Arg(0, "name")), line);
            case "sum":
                return JinjaValues.Iterate(value, line).Aggregate((object?)0L, (total, item) => JinjaOperators.Apply("+", total, item, line));
            case "min" or "max":
                List<object?> values = JinjaValues.Iterate(value, line);
                if (values.Count == 0)
                {
                    return JinjaUndefined.Instance;
                }

                return values.Aggregate((a, b) => JinjaValues.Compare(a, b, line) * (name == "min" ? 1 : -1) <= 0 ? a : b);
            case "wordcount":
                return (long)Text(value).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            default:
                throw new TemplateException(TemplateErrorKind.Unsupported, $"line {line}: the filter '{name}' is not supported by this server's chat-template renderer.");
        }
    }

    public static bool Test(string name, object? value, List<object?> args, int line)
    {
        object? other = args.Count > 0 ? args[0] : null;
        return name switch
        {
            "defined" => value is not JinjaUndefined,
            "undefined" => value is JinjaUndefined,
            "none" => value is null,
            "string" => value is string,
            "number" => value is long or double,
            "integer" => value is long,
            "float" => value is double,
            "boolean" => value is bool,
            "true" => value is true,
            "false" => value is false,
            "mapping" => value is OrderedDictionary<object, object?> or JinjaNamespace,
            "iterable" => value is string or List<object?> or OrderedDictionary<object, object?>,
            "sequence" => value is string or List<object?> or OrderedDictionary<object, object?>,
            "callable" => value is JinjaFunction,
            "odd" => JinjaOperators.ToLong(value, line, "'odd'") % 2 != 0,
            "even" => JinjaOperators.ToLong(value, line, "'even'") % 2 == 0,
            "divisibleby" => JinjaOperators.ToLong(value, line, "'divisibleby'") % JinjaOperators.ToLong(other, line, "divisibleby's argument") == 0,
            "equalto" or "eq" or "sameas" or "==" => JinjaValues.AreEqual(value, other),
            "ne" or "!=" => !JinjaValues.AreEqual(value, other),
            "lt" or "lessthan" or "<" => JinjaValues.Compare(value, other, line) < 0,
            "le" or "<=" => JinjaValues.Compare(value, other, line) <= 0,
            "gt" or "greaterthan" or ">" => JinjaValues.Compare(value, other, line) > 0,
            "ge" or ">=" => JinjaValues.Compare(value, other, line) >= 0,
            "in" => JinjaOperators.Contains(other, value, line),
            "lower" => value is string lower && lower == lower.ToLowerInvariant(),
            "upper" => value is string upper && upper == upper.ToUpperInvariant(),
            _ => throw new TemplateException(TemplateErrorKind.Unsupported, $"line {line}: the test '{name}' is not supported by this server's chat-template renderer."),
        };
    }

    /// <summary>Python's <c>str.capitalize</c>: first character upper case, the rest lower.</summary>
    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Python's <c>str.title</c>: each run of letters starts upper case, the rest lower.</summary>
    public static string Title(string s)
    {
        var title = new StringBuilder(s.Length);
        bool inWord = false;
        foreach (char c in s)
        {
            title.Append(inWord ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            inWord = char.IsLetter(c);
        }

        return title.ToString();
    }

    private static string Text(object? value) => JinjaValues.ToText(value);

    private static object? Key(object? item, object? attribute, int line) =>
        attribute is null or JinjaUndefined ? item : JinjaMethods.GetItem(item, attribute, line);
}
