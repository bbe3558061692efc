namespace InferenceApi.Core.Backends;

/// <summary>Element types of model inputs and outputs: every ONNX tensor type a served graph may use, and Other for the rest (complex, float8, 4-bit).</summary>
public enum TensorElement
{
    Other,
    Float32,
    Float16,
    Int64,
    Int32,
    Bool,
    String,
    Float64,
    BFloat16,
    Int8,
    Int16,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
}
