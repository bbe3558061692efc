using InferenceApi.Serving.KServe;

namespace InferenceApi.Contracts.KServe;

/// <summary>One output tensor of an infer response.</summary>
/// <param name="Name">The output's name from the model metadata.</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Datatype">Open Inference Protocol datatype.</param>
/// <param name="Data">The elements as a flat row-major array (<c>float[]</c> for FP32, <c>long[]</c> for INT64, <c>string[]</c> for BYTES).</param>
public sealed record KServeResponseOutput(string Name, IReadOnlyList<long> Shape, string Datatype, object Data)
{
    /// <summary>An FP32 [rows, width] output from per-row results (every row the same width), flattened row-major as the protocol sends it.</summary>
    public static KServeResponseOutput Fp32Rows(string name, IReadOnlyList<float[]> rows)
    {
        var width = rows[0].Length;
        var data = new float[rows.Count * width];
        for (var r = 0; r < rows.Count; r++)
        {
            rows[r].CopyTo(data, r * width);
        }

        return new KServeResponseOutput(name, [rows.Count, width], KServeDatatype.Fp32, data);
    }
}
