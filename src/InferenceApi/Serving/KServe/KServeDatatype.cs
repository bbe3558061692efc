namespace InferenceApi.Serving.KServe;

/// <summary>The Open Inference Protocol datatypes this server reads and writes.</summary>
public static class KServeDatatype
{
    public const string Int64 = "INT64";
    public const string Int32 = "INT32";
    public const string Fp32 = "FP32";
    public const string Bytes = "BYTES";

    public static IReadOnlyList<string> Supported { get; } = [Int64, Int32, Fp32, Bytes];

    public static bool IsInteger(string datatype) => datatype is Int64 or Int32;
}
