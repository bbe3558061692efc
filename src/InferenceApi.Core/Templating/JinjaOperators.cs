using System.Globalization;
using System.Text;

namespace InferenceApi.Core.Templating;

/// <summary>Binary and unary operators with Python's rules (integer and float arithmetic, string and list concatenation and repetition, floor division and modulo by the divisor's sign).</summary>
internal static class JinjaOperators
{
    public static object? Apply(string op, object? left, object? right, int line) => op switch
    {
        "==" => JinjaValues.AreEqual(left, right),
        "!=" => !JinjaValues.AreEqual(left, right),
        "<" => JinjaValues.Compare(left, right, line) < 0,
        "<=" => JinjaValues.Compare(left, right, line) <= 0,
        ">" => JinjaValues.Compare(left, right, line) > 0,
        ">=" => JinjaValues.Compare(left, right, line) >= 0,
        "in" => Contains(right, left, line),
        "not in" => !Contains(right, left, line),
        "~" => JinjaValues.ToText(left) + JinjaValues.ToText(right),
        "+" => Add(left, right, line),
        "-" => Arithmetic(left, right, line, op, (a, b) => a - b, (a, b) => a - b),
        "*" => Multiply(left, right, line),
        "/" => Number(right, line, op) == 0 ? throw JinjaEvaluator.Error(line, "division by zero") : Number(left, line, op) / Number(right, line, op),
        "//" => FloorDivide(left, right, line),
        "%" => Modulo(left, right, line),
        "**" => left is long b && right is long e && e >= 0 ? checked((long)Math.Pow(b, e)) : Math.Pow(Number(left, line, op), Number(right, line, op)),
        _ => throw JinjaEvaluator.Error(line, $"unknown operator '{op}'"),
    };

    public static object Negate(object? value, int line) => value switch
    {
        long l => (object)(-l),
        double d => (object)(-d),
        _ => throw JinjaEvaluator.Error(line, $"cannot negate {JinjaValues.TypeName(value)}"),
    };

    public static bool Contains(object? container, object? item, int line) => container switch
    {
        string s => item is string sub ? s.Contains(sub, StringComparison.Ordinal) : throw JinjaEvaluator.Error(line, $"'in <string>' needs a string on the left, not {JinjaValues.TypeName(item)}"),
        List<object?> list => list.Any(x => JinjaValues.AreEqual(x, item)),
        OrderedDictionary<object, object?> dict => item is not null && dict.ContainsKey(item),
        JinjaUndefined or null => false,
        _ => throw JinjaEvaluator.Error(line, $"'in' needs a string, list or dict on the right, not {JinjaValues.TypeName(container)}"),
    };

    private static object Add(object? left, object? right, int line) => (left, right) switch
    {
        (string a, string b) => a + b,
        (List<object?> a, List<object?> b) => new List<object?>([.. a, .. b]),
        _ => Arithmetic(left, right, line, "+", (a, b) => checked(a + b), (a, b) => a + b),
    };

    private static object Multiply(object? left, object? right, int line) => (left, right) switch
    {
        (string s, long n) => new StringBuilder().Insert(0, s, (int)Math.Clamp(n, 0, 100_000)).ToString(),
        (List<object?> list, long n) => Enumerable.Repeat(list, (int)Math.Clamp(n, 0, 100_000)).SelectMany(x => x).ToList(),
        _ => Arithmetic(left, right, line, "*", (a, b) => checked(a * b), (a, b) => a * b),
    };

    private static object FloorDivide(object? left, object? right, int line)
    {
        if (Number(right, line, "//") == 0)
        {
            throw JinjaEvaluator.Error(line, "division by zero");
        }

        return left is long a && right is long b ? (long)Math.Floor((double)a / b) : Math.Floor(Number(left, line, "//") / Number(right, line, "//"));
    }

    private static object Modulo(object? left, object? right, int line)
    {
        if (Number(right, line, "%") == 0)
        {
            throw JinjaEvaluator.Error(line, "modulo by zero");
        }

        if (left is long a && right is long b)
        {
            long r = a % b;
            return r != 0 && (r < 0) != (b < 0) ? r + b : r;
        }

        double x = Number(left, line, "%");
        double y = Number(right, line, "%");
        return x - (y * Math.Floor(x / y));
    }

    private static object Arithmetic(object? left, object? right, int line, string op, Func<long, long, long> integers, Func<double, double, double> floats)
    {
        try
        {
            return left is long a && right is long b ? integers(a, b) : floats(Number(left, line, op), Number(right, line, op));
        }
        catch (OverflowException)
        {
            return floats(Number(left, line, op), Number(right, line, op));
        }
    }

    private static double Number(object? value, int line, string op) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw JinjaEvaluator.Error(line, $"unsupported operand for '{op}': {JinjaValues.TypeName(value)}{(value is string s ? $" '{Shorten(s)}'" : string.Empty)}"),
    };

    private static string Shorten(string s) => s.Length <= 20 ? s : s[..20] + "…";

    internal static long ToLong(object? value, int line, string what) => value switch
    {
        long l => l,
        double d => (long)d,
        bool b => b ? 1 : 0,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) => parsed,
        _ => throw JinjaEvaluator.Error(line, $"{what} must be a whole number, not {JinjaValues.TypeName(value)}"),
    };
}
