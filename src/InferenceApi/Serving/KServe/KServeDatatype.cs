using InferenceApi.Core.Backends;
using InferenceApi.Core.Tensors;

namespace InferenceApi.Serving.KServe;

/// <summary>The Open Inference Protocol datatypes: every one of the protocol's table is read and written (<see cref="TensorElementNames"/>).</summary>
public static class KServeDatatype
{
    public const string Int64 = "INT64";
    public const string Int32 = "INT32";
    public const string Fp32 = "FP32";
    public const string Bytes = "BYTES";

    public static IReadOnlyList<string> Supported => TensorElementNames.All;

    public static string Of(TensorElement element) => TensorElementNames.Name(element);
}
