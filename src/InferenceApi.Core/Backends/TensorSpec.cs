namespace InferenceApi.Core.Backends;

/// <summary>A graph input or output: name, element type, and shape with -1 for dynamic dimensions.</summary>
public sealed record TensorSpec(string Name, TensorElement Element, IReadOnlyList<long> Shape)
{
    public int Rank => Shape.Count;

    public override string ToString() =>
        $"{Name} {Element}[{string.Join(", ", Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
}
