using System.Globalization;

namespace InferenceApi.Core.Templating;

/// <summary>
/// Attribute and item access (<c>message.content</c>, <c>message['role']</c>, <c>messages[-1]</c>, slices), the Python
/// methods templates call on strings (<c>strip</c>, <c>split</c>, <c>startswith</c>…), dicts (<c>items</c>,
/// <c>get</c>…) and lists (<c>append</c>), and the globals (<c>range</c>, <c>namespace</c>, <c>dict</c>,
/// <c>raise_exception</c>, <c>strftime_now</c>).
/// </summary>
internal static class JinjaMethods
{
    public static object? GetAttribute(object? target, string name, int line) => target switch
    {
        string s => StringMethod(s, name, line),
        OrderedDictionary<object, object?> dict => DictMethod(dict, name) ?? (dict.TryGetValue(name, out object? value) ? value : JinjaUndefined.Instance),
        List<object?> list => ListMethod(list, name, line),
        JinjaNamespace ns => ns.Attributes.TryGetValue(name, out object? value) ? value : JinjaUndefined.Instance,
        _ => JinjaUndefined.Instance,
    };

    public static object? GetItem(object? target, object? index, int line)
    {
        switch (target)
        {
            case List<object?> list when index is long i:
                long at = i < 0 ? list.Count + i : i;
                return at >= 0 && at < list.Count ? list[(int)at] : JinjaUndefined.Instance;
            case string s when index is long i:
                long position = i < 0 ? s.Length + i : i;
                return position >= 0 && position < s.Length ? s[(int)position].ToString() : JinjaUndefined.Instance;
            case OrderedDictionary<object, object?> dict:
                return index is not null && dict.TryGetValue(index, out object? value) ? value : JinjaUndefined.Instance;
            case JinjaNamespace ns when index is string key:
                return ns.Attributes.TryGetValue(key, out object? attribute) ? attribute : JinjaUndefined.Instance;
            case JinjaUndefined or null:
                return JinjaUndefined.Instance;
            default:
                return index is string name ? GetAttribute(target, name, line) : JinjaUndefined.Instance;
        }
    }

    public static object? Slice(object? target, object? start, object? stop, object? step, int line)
    {
        long by = step is null ? 1 : JinjaOperators.ToLong(step, line, "a slice step");
        if (by == 0)
        {
            throw JinjaEvaluator.Error(line, "a slice step cannot be zero");
        }

        List<object?> items = target switch
        {
            List<object?> list => list,
            string s => [.. s.Select(c => (object?)c.ToString())],
            JinjaUndefined or null => [],
            _ => throw JinjaEvaluator.Error(line, $"cannot slice {JinjaValues.TypeName(target)}"),
        };

        int count = items.Count;
        long Clamp(object? value, long fallback)
        {
            if (value is null)
            {
                return fallback;
            }

            long v = JinjaOperators.ToLong(value, line, "a slice index");
            v = v < 0 ? v + count : v;
            return by > 0 ? Math.Clamp(v, 0, count) : Math.Clamp(v, -1, count - 1);
        }

        long from = Clamp(start, by > 0 ? 0 : count - 1);
        long to = Clamp(stop, by > 0 ? count : -1);
        var result = new List<object?>();
        for (long i = from; by > 0 ? i < to : i > to; i += by)
        {
            result.Add(items[(int)i]);
        }

        return target is string ? string.Concat(result.Select(JinjaValues.ToText)) : result;
    }

    public static Dictionary<string, object?> Globals(TimeProvider time) => new(StringComparer.Ordinal)
    {
        ["range"] = new JinjaFunction(Range),
        ["namespace"] = new JinjaFunction((_, keywords) =>
        {
            var ns = new JinjaNamespace();
            foreach ((string key, object? value) in keywords)
            {
                ns.Attributes[key] = value;
            }

            return ns;
        }),
        ["dict"] = new JinjaFunction((_, keywords) =>
        {
            var dict = new OrderedDictionary<object, object?>();
            foreach ((string key, object? value) in keywords)
            {
                dict[key] = value;
            }

            return dict;
        }),
        ["raise_exception"] = new JinjaFunction((arguments, _) =>
            throw new TemplateException(TemplateErrorKind.Raised, arguments.Count > 0 ? JinjaValues.ToText(arguments[0]) : "the chat template raised an exception")),
        ["strftime_now"] = new JinjaFunction((arguments, _) => Strftime(time.GetLocalNow(), arguments.Count > 0 ? JinjaValues.ToText(arguments[0]) : "%Y-%m-%d")),
    };

    private static object? Range(List<object?> arguments, Dictionary<string, object?> keywords)
    {
        _ = keywords;
        long[] values = [.. arguments.Select(a => JinjaOperators.ToLong(a, 0, "range()'s arguments"))];
        (long start, long stop, long step) = values switch
        {
            [long n] => (0L, n, 1L),
            [long a, long b] => (a, b, 1L),
            [long a, long b, long c] when c != 0 => (a, b, c),
            _ => throw new TemplateException(TemplateErrorKind.Runtime, "range() takes 1 to 3 whole numbers, the step not 0"),
        };

        long count = Math.Max(0, (stop - start + step - Math.Sign(step)) / step);
        if (count > 100_000)
        {
            throw new TemplateException(TemplateErrorKind.TooLarge, $"range() of {count} items is more than a chat template needs (limit 100000).");
        }

        var result = new List<object?>((int)count);
        for (long i = 0; i < count; i++)
        {
            result.Add(start + (i * step));
        }

        return result;
    }

    private static string Strftime(DateTimeOffset now, string format)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                text.Append(format[i]);
                continue;
            }

            char code = format[++i];
            text.Append(code switch
            {
                'Y' => now.ToString("yyyy", CultureInfo.InvariantCulture),
                'y' => now.ToString("yy", CultureInfo.InvariantCulture),
                'm' => now.ToString("MM", CultureInfo.InvariantCulture),
                'd' => now.ToString("dd", CultureInfo.InvariantCulture),
                'B' => now.ToString("MMMM", CultureInfo.InvariantCulture),
                'b' => now.ToString("MMM", CultureInfo.InvariantCulture),
                'A' => now.ToString("dddd", CultureInfo.InvariantCulture),
                'a' => now.ToString("ddd", CultureInfo.InvariantCulture),
                'H' => now.ToString("HH", CultureInfo.InvariantCulture),
                'M' => now.ToString("mm", CultureInfo.InvariantCulture),
                'S' => now.ToString("ss", CultureInfo.InvariantCulture),
                '%' => "%",
                _ => "%" + code,
            });
        }

        return text.ToString();
    }

    private static JinjaFunction? DictMethod(OrderedDictionary<object, object?> dict, string name) => name switch
    {
        "items" => (_, _) => dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList(),
        "keys" => (_, _) => dict.Keys.Select(k => (object?)k).ToList(),
        "values" => (_, _) => dict.Values.ToList(),
        "get" => (args, _) => args.Count > 0 && args[0] is { } key && dict.TryGetValue(key, out object? value) ? value : args.Count > 1 ? args[1] : null,
        _ => null,
    };

    private static JinjaFunction ListMethod(List<object?> list, string name, int line) => name switch
    {
        "append" => (args, _) => Append(list, args),
        "index" => (args, _) => (long)list.FindIndex(x => JinjaValues.AreEqual(x, args.FirstOrDefault())),
        "count" => (args, _) => (long)list.Count(x => JinjaValues.AreEqual(x, args.FirstOrDefault())),
        _ => (_, _) => throw new TemplateException(TemplateErrorKind.Unsupported, $"line {line}: the list method '{name}' is not supported."),
    };

    /// <summary>Python's <c>list.append</c>: adds in place and returns None.</summary>
    private static object? Append(List<object?> list, List<object?> args)
    {
        list.AddRange(args);
        return null;
    }

    private static JinjaFunction StringMethod(string s, string name, int line) => name switch
    {
        "strip" => (args, _) => Strip(s, args, true, true),
        "lstrip" => (args, _) => Strip(s, args, true, false),
        "rstrip" => (args, _) => Strip(s, args, false, true),
        "upper" => (_, _) => s.ToUpperInvariant(),
        "lower" => (_, _) => s.ToLowerInvariant(),
        "title" => (_, _) => JinjaFilters.Title(s),
        "capitalize" => (_, _) => JinjaFilters.Capitalize(s),
        "startswith" => (args, _) => Affixes(args).Any(p => s.StartsWith(p, StringComparison.Ordinal)),
        "endswith" => (args, _) => Affixes(args).Any(p => s.EndsWith(p, StringComparison.Ordinal)),
        "split" => (args, keywords) => Split(s, Arg(args, keywords, 0, "sep"), Arg(args, keywords, 1, "maxsplit"), line),
        "replace" => (args, _) => args.Count >= 2 ? s.Replace(JinjaValues.ToText(args[0]), JinjaValues.ToText(args[1]), StringComparison.Ordinal) : s,
        "find" => (args, _) => (long)s.IndexOf(JinjaValues.ToText(args.FirstOrDefault()), StringComparison.Ordinal),
        "count" => (args, _) => (long)CountOf(s, JinjaValues.ToText(args.FirstOrDefault())),
        "join" => (args, _) => string.Join(s, JinjaValues.Iterate(args.FirstOrDefault(), line).Select(JinjaValues.ToText)),
        "isdigit" => (_, _) => s.Length > 0 && s.All(char.IsDigit),
        "isalpha" => (_, _) => s.Length > 0 && s.All(char.IsLetter),
        "isspace" => (_, _) => s.Length > 0 && s.All(char.IsWhiteSpace),
        "islower" => (_, _) => s.Any(char.IsLetter) && !s.Any(char.IsUpper),
        "isupper" => (_, _) => s.Any(char.IsLetter) && !s.Any(char.IsLower),
        _ => (_, _) => throw new TemplateException(TemplateErrorKind.Unsupported, $"line {line}: the string method '{name}' is not supported."),
    };

    private static object? Arg(List<object?> args, Dictionary<string, object?> keywords, int index, string name) =>
        index < args.Count ? args[index] : keywords.GetValueOrDefault(name);

    private static IEnumerable<string> Affixes(List<object?> args) =>
        args.FirstOrDefault() is List<object?> options ? options.Select(JinjaValues.ToText) : [JinjaValues.ToText(args.FirstOrDefault())];

    private static string Strip(string s, List<object?> args, bool left, bool right)
    {
        char[]? chars = args.Count > 0 && args[0] is string set ? set.ToCharArray() : null;
        return (left, right, chars) switch
        {
            (true, true, null) => s.Trim(),
            (true, false, null) => s.TrimStart(),
            (false, true, null) => s.TrimEnd(),
            (true, true, _) => s.Trim(chars),
            (true, false, _) => s.TrimStart(chars),
            _ => s.TrimEnd(chars!),
        };
    }

    private static List<object?> Split(string s, object? separator, object? maxSplit, int line)
    {
        long max = maxSplit is null ? -1 : JinjaOperators.ToLong(maxSplit, line, "maxsplit");
        int count = max < 0 ? int.MaxValue : (int)Math.Min(max + 1, int.MaxValue);
        if (separator is null or JinjaUndefined)
        {
            // Python's split(): runs of white space separate, and none are kept at the ends.
            return [.. s.Split((char[]?)null, count, StringSplitOptions.RemoveEmptyEntries).Select((p, i) => (object?)(i == count - 1 ? p.TrimEnd() : p))];
        }

        string sep = JinjaValues.ToText(separator);
        if (sep.Length == 0)
        {
            throw JinjaEvaluator.Error(line, "split() separator cannot be empty");
        }

        return [.. s.Split(sep, count, StringSplitOptions.None).Select(p => (object?)p)];
    }

    private static int CountOf(string s, string part)
    {
        if (part.Length == 0)
        {
            return s.Length + 1;
        }

        int count = 0;
        for (int at = s.IndexOf(part, StringComparison.Ordinal); at >= 0; at = s.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
