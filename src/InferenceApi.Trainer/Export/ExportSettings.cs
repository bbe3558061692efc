using InferenceApi.Onnx.Proto;

namespace InferenceApi.Trainer.Export;

/// <summary>How an export is written and checked: the parity tolerance, and whether the graph is quantized to int8 first.</summary>
/// <param name="Tolerance">
/// Largest max abs diff of the ONNX outputs against TorchSharp's (float32) that the parity check accepts; for an int8
/// graph, relative to the largest float32 output magnitude (at least 1), since rounding errors grow with the values.
/// </param>
/// <param name="Int8">Write MatMul/Gemm weights as int8 with dynamic activation quantization (<see cref="OnnxInt8Quantizer"/>).</param>
public sealed record ExportSettings(double Tolerance, bool Int8 = false)
{
    /// <summary>
    /// The default parity tolerance of an int8 export, relative to the largest float32 output. Each weight is rounded to
    /// one of 255 levels of its column (0.4 % of the column's range at worst) and each activation to one of 256 levels of
    /// its tensor's range; through a few layers that moves the logits by about 1 % of their magnitude, so 5 % passes a
    /// correct int8 graph and still fails a broken one (a wrong scale or a transposed weight is off by the whole range).
    /// </summary>
    public const double Int8Tolerance = 0.05;

    /// <summary>The largest diff the check accepts, given the largest magnitude of the float32 outputs compared.</summary>
    public double Limit(double scale) => Int8 ? Tolerance * Math.Max(1, scale) : Tolerance;

    /// <summary>The graph as it is written: unchanged, or quantized.</summary>
    public ModelProto Finish(ModelProto graph) => Int8 ? OnnxInt8Quantizer.Quantize(graph) : graph;
}
