using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Tensors;

/// <summary>
/// The names tensor element types go by in the Open Inference Protocol (KServe v2) and in Triton's configuration:
/// <c>FP32</c>, <c>INT64</c>, <c>BYTES</c>… Every ONNX type a served graph can use has one.
/// </summary>
public static class TensorElementNames
{
    private static readonly (TensorElement Element, string Name)[] Table =
    [
        (TensorElement.Bool, "BOOL"),
        (TensorElement.UInt8, "UINT8"),
        (TensorElement.UInt16, "UINT16"),
        (TensorElement.UInt32, "UINT32"),
        (TensorElement.UInt64, "UINT64"),
        (TensorElement.Int8, "INT8"),
        (TensorElement.Int16, "INT16"),
        (TensorElement.Int32, "INT32"),
        (TensorElement.Int64, "INT64"),
        (TensorElement.Float16, "FP16"),
        (TensorElement.Float32, "FP32"),
        (TensorElement.Float64, "FP64"),
        (TensorElement.BFloat16, "BF16"),
        (TensorElement.String, "BYTES"),
    ];

    /// <summary>Every protocol name, in the protocol's table order.</summary>
    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>The protocol name of <paramref name="element"/>; <see cref="TensorElement.Other"/> has none.</summary>
    public static string Name(TensorElement element) =>
        Table.FirstOrDefault(t => t.Element == element).Name ?? throw new ArgumentOutOfRangeException(nameof(element), element, "no protocol name");

    public static bool TryParse(string? name, out TensorElement element)
    {
        foreach (var (candidate, text) in Table)
        {
            if (text == name)
            {
                element = candidate;
                return true;
            }
        }

        element = TensorElement.Other;
        return false;
    }

    /// <summary>A graph tensor as clients read it: <c>x FP32 [-1, 3, 8, 8]</c>.</summary>
    public static string Describe(TensorSpec spec) =>
        $"{spec.Name} {(spec.Element == TensorElement.Other ? "unsupported" : Name(spec.Element))} [{string.Join(", ", spec.Shape)}]";
}
