using InferenceApi.Core.Backends;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceApi.Onnx;

/// <summary>Core's <see cref="TensorElement"/> and ONNX Runtime's element types, both ways.</summary>
internal static class OrtElements
{
    private static readonly (TensorElementType Ort, TensorElement Core)[] Table =
    [
        (TensorElementType.Float, TensorElement.Float32),
        (TensorElementType.Float16, TensorElement.Float16),
        (TensorElementType.BFloat16, TensorElement.BFloat16),
        (TensorElementType.Double, TensorElement.Float64),
        (TensorElementType.Int8, TensorElement.Int8),
        (TensorElementType.Int16, TensorElement.Int16),
        (TensorElementType.Int32, TensorElement.Int32),
        (TensorElementType.Int64, TensorElement.Int64),
        (TensorElementType.UInt8, TensorElement.UInt8),
        (TensorElementType.UInt16, TensorElement.UInt16),
        (TensorElementType.UInt32, TensorElement.UInt32),
        (TensorElementType.UInt64, TensorElement.UInt64),
        (TensorElementType.Bool, TensorElement.Bool),
        (TensorElementType.String, TensorElement.String),
    ];

    public static TensorElement ToCore(TensorElementType type)
    {
        foreach (var (ort, core) in Table)
        {
            if (ort == type)
            {
                return core;
            }
        }

        return TensorElement.Other;
    }

    public static TensorElementType ToOrt(TensorElement element)
    {
        foreach (var (ort, core) in Table)
        {
            if (core == element)
            {
                return ort;
            }
        }

        throw new BackendException($"element type {element} cannot be fed to ONNX Runtime");
    }
}
