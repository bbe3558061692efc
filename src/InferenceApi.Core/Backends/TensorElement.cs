namespace InferenceApi.Core.Backends;

/// <summary>Element types of model inputs and outputs that the server reasons about.</summary>
public enum TensorElement
{
    Other,
    Float32,
    Float16,
    Int64,
    Int32,
    Bool,
    String,
}
