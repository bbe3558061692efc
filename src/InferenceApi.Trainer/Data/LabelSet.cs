using System.Globalization;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// The label names of a classifier, in logit order. A data value names a label, or, when no name is itself a number,
/// gives its index (so SST-2's 0/1 work with <c>--labels negative,positive</c>).
/// </summary>
public sealed class LabelSet : IEquatable<LabelSet>
{
    private readonly Dictionary<string, int> indices;
    private readonly bool numericNames;

    public LabelSet(IReadOnlyList<string> names)
    {
        if (names.Count < 2)
        {
            throw new InvalidDataException($"a classifier needs at least two labels; got {names.Count} ({string.Join(", ", names)})");
        }

        indices = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                throw new InvalidDataException($"label {i} has an empty name");
            }

            if (!indices.TryAdd(names[i], i))
            {
                throw new InvalidDataException($"label '{names[i]}' is given twice");
            }
        }

        Names = [.. names];
        numericNames = Names.Any(n => IsInteger(n, out _));
    }

    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    /// <summary><c>--labels a,b,c</c>; a problem is a usage error naming the option.</summary>
    public static LabelSet Parse(string commaSeparated)
    {
        try
        {
            return new LabelSet(commaSeparated.Split(',', StringSplitOptions.TrimEntries));
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"--labels: {e.Message}");
        }
    }

    /// <summary>
    /// The distinct values seen in the data, sorted so the order is stable: numerically when all are integers
    /// (so 0..k-1 keep their own index), else ordinally.
    /// </summary>
    public static LabelSet FromValues(IEnumerable<string> values)
    {
        var distinct = values.Distinct(StringComparer.Ordinal).ToList();
        var sorted = distinct.All(v => IsInteger(v, out _))
            ? distinct.OrderBy(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList()
            : distinct.Order(StringComparer.Ordinal).ToList();
        return new LabelSet(sorted);
    }

    /// <summary>The index of <paramref name="value"/>; throws naming <paramref name="where"/> (file:line) when it is not a label.</summary>
    public int IndexOf(string value, string where)
    {
        if (indices.TryGetValue(value, out var index))
        {
            return index;
        }

        if (!numericNames && IsInteger(value, out var number) && number >= 0 && number < Count)
        {
            return (int)number;
        }

        var hint = numericNames ? "" : $" or an index 0-{Count - 1}";
        throw new InvalidDataException($"{where}: unknown label '{value}'; expected one of {string.Join(", ", Names)}{hint}");
    }

    public bool Equals(LabelSet? other) => other is not null && Names.SequenceEqual(other.Names, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode() => Names.Aggregate(0, (hash, name) => HashCode.Combine(hash, name));

    public override string ToString() => string.Join(",", Names);

    private static bool IsInteger(string value, out long number) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number);
}
