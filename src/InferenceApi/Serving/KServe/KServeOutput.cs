using System.Runtime.InteropServices;
using InferenceApi.Core.Backends;

namespace InferenceApi.Serving.KServe;

/// <summary>One output tensor an adapter answers, before a transport writes it (JSON, binary, gRPC contents or raw).</summary>
public sealed record KServeOutput(string Name, TensorValue Value)
{
    public string Datatype => KServeDatatype.Of(Value.Element);

    /// <summary>An FP32 [rows, width] output from per-row results (every row the same width), flattened row-major.</summary>
    public static KServeOutput Fp32Rows(string name, IReadOnlyList<float[]> rows)
    {
        var width = rows[0].Length;
        var data = new float[rows.Count * width];
        for (var r = 0; r < rows.Count; r++)
        {
            rows[r].CopyTo(data, r * width);
        }

        return new KServeOutput(name, new TensorValue(TensorElement.Float32, [rows.Count, width], MemoryMarshal.AsBytes(data.AsSpan()).ToArray()));
    }
}
