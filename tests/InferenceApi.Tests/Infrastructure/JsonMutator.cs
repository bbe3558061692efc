using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>
/// Mutates a valid JSON body the way careless and hostile clients do: a value of another type, an extreme number, odd
/// Unicode (lone surrogates, NUL, BOM, right-to-left and combining marks, long strings), a field dropped, duplicated or
/// added, a value wrapped in an array or object, and at the byte level a cut or a byte that is never UTF-8. A mutation
/// is three numbers (what, where, which value), so CsCheck generates and shrinks plans of them.
/// </summary>
public static partial class JsonMutator
{
    /// <summary>Numbers past float's and double's range, below them, past int and long, negative zero.</summary>
    public static readonly string[] OddNumbers =
    [
        "0", "-0", "-1", "0.5", "1e39", "-1e39", "1e308", "1e309", "-1e309", "1e-320", "-1e-45", "3.5e38",
        "2147483648", "-2147483649", "9223372036854775808", "18446744073709551616", "123456789012345678901234567890",
    ];

    /// <summary>Strings that are not text (lone surrogates), control and invisible characters, long ones, look-alike numbers.</summary>
    public static readonly string[] OddStrings =
    [
        "\"\"", "\" \"", "\"\\udc00\"", "\"\\ud800\"", "\"a\\ud800b\"", "\"\\u0000\"", "\"\\ufeffx\"", "\"\\u202e\\u0301a\"",
        "\"😀\"", "\"1e39\"", "\"NaN\"", "\"Infinity\"", "\"-1\"", "\"<|endoftext|>\"", $"\"{new string('x', 5000)}\"",
        $"\"{string.Concat(Enumerable.Repeat("é😀", 2000))}\"",
    ];

    /// <summary>Other JSON types and shapes: literals, empty and deep containers, long arrays, arrays of odd items.</summary>
    public static readonly string[] OddStructures =
    [
        "null", "true", "false", "[]", "{}", "[[[[[[[[]]]]]]]]", "[1,2,3]", "[\"a\",null]", "[\"\\udc00\"]", "{\"a\":{\"b\":[]}}",
        $"[{string.Join(',', Enumerable.Repeat("1", 3000))}]", $"{new string('[', 100)}{new string(']', 100)}", "[-1]", "[0,0]", "[1e39]", "[\"\"]",
    ];

    private static readonly string[] OddValues = [.. OddNumbers, .. OddStrings, .. OddStructures];

    private const int Kinds = 7;

    /// <summary>One to three mutations: (kind, target, value) each; replacing a value is drawn four times as often as each other kind.</summary>
    public static Gen<(int Kind, int Target, int Value)[]> Plans { get; } =
        Gen.Select(Gen.Int[0, Kinds + 2].Select(k => k >= Kinds ? 0 : k), Gen.Int[0, 1000], Gen.Int[0, 100_000]).Array[1, 3];

    /// <summary>The body after <paramref name="plan"/>, as UTF-8 bytes (some of them deliberately not UTF-8).</summary>
    public static byte[] Apply(string validJson, (int Kind, int Target, int Value)[] plan)
    {
        var root = JsonNode.Parse(validJson)!;
        var raw = new List<string>();
        var cut = (int?)null;
        var badByte = (int?)null;
        foreach (var (kind, target, value) in plan)
        {
            var nodes = Nodes(root).ToList();
            var (parent, key, node) = nodes[target % nodes.Count];
            switch (kind)
            {
                case 0 when parent is not null:
                    Replace(parent, key, Raw(raw, OddValueFor(node, value)));
                    break;
                case 1 when parent is not null:
                    Remove(parent, key);
                    break;
                case 2 when parent is JsonObject duplicated && key is string name:
                    // A JsonObject cannot hold a name twice; the text can. The marker comes off after writing.
                    duplicated[$"__dup{value}__{name}"] = node?.DeepClone();
                    break;
                case 3 when parent is not null:
                    Replace(parent, key, value % 2 == 0 ? new JsonArray(node?.DeepClone()) : new JsonObject { ["value"] = node?.DeepClone() });
                    break;
                case 4 when node is JsonObject extended:
                    extended[$"unknown_{value % 7}"] = Raw(raw, OddValues[value % OddValues.Length]);
                    break;
                case 5:
                    cut = value;
                    break;
                case 6:
                    badByte = value;
                    break;
            }
        }

        var text = DuplicateMarker().Replace(root.ToJsonString(), "\"");
        text = RawMarker().Replace(text, match => raw[int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (badByte is { } at)
        {
            bytes = [.. bytes[..(at % bytes.Length)], 0xFF, .. bytes[(at % bytes.Length)..]];
        }

        return cut is { } length ? bytes[..(length % bytes.Length)] : bytes;
    }

    /// <summary>Mostly a value of the same JSON type (where the checks of that type live), sometimes any other.</summary>
    private static string OddValueFor(JsonNode? node, int value)
    {
        var sameType = node?.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Number => OddNumbers,
            System.Text.Json.JsonValueKind.String => OddStrings,
            _ => OddStructures,
        };
        var pool = value % 4 == 0 ? OddValues : sameType;
        return pool[(value / 4) % pool.Length];
    }

    /// <summary>Every node with its parent and its key (a property name or an index); the root has no parent.</summary>
    private static IEnumerable<(JsonNode? Parent, object? Key, JsonNode? Node)> Nodes(JsonNode root)
    {
        var pending = new Stack<(JsonNode?, object?, JsonNode?)>();
        pending.Push((null, null, root));
        while (pending.Count > 0)
        {
            var item = pending.Pop();
            yield return item;
            switch (item.Item3)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj.ToList())
                    {
                        pending.Push((obj, name, child));
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        pending.Push((array, i, array[i]));
                    }

                    break;
            }
        }
    }

    private static JsonNode Raw(List<string> raw, string json)
    {
        raw.Add(json);
        return JsonValue.Create($"__raw{raw.Count - 1}__");
    }

    private static void Replace(JsonNode parent, object? key, JsonNode? value)
    {
        if (parent is JsonObject obj)
        {
            obj[(string)key!] = value;
        }
        else
        {
            ((JsonArray)parent)[(int)key!] = value;
        }
    }

    private static void Remove(JsonNode parent, object? key)
    {
        if (parent is JsonObject obj)
        {
            obj.Remove((string)key!);
        }
        else
        {
            ((JsonArray)parent).RemoveAt((int)key!);
        }
    }

    [GeneratedRegex("\"__dup\\d+__")]
    private static partial Regex DuplicateMarker();

    [GeneratedRegex("\"__raw(\\d+)__\"")]
    private static partial Regex RawMarker();
}
