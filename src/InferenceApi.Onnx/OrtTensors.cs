using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceApi.Onnx;

/// <summary>
/// Tensor plumbing every session shares: inputs are <see cref="OrtValue"/>s over the caller's pooled arrays
/// (no copy; the arrays stay pinned until the values are disposed), disposed together after the run.
/// </summary>
internal static class OrtTensors
{
    public static OrtValue Over(long[] buffer, int count, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, count), shape);

    public static OrtValue Over(float[] buffer, int count, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, count), shape);

    /// <summary>
    /// A tensor of <paramref name="type"/> over the first <paramref name="count"/> bytes of <paramref name="buffer"/>, for
    /// element types .NET arrays do not carry (float16 kept as raw bytes). The array is pinned until the caller frees the
    /// handle added to <paramref name="pins"/>, after the run.
    /// </summary>
    public static OrtValue OverBytes(byte[] buffer, int count, TensorElementType type, long[] shape, List<GCHandle> pins)
    {
        var pin = GCHandle.Alloc(buffer, GCHandleType.Pinned);
        pins.Add(pin);
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, pin.AddrOfPinnedObject(), count);
    }

    public static void DisposeAll(List<OrtValue> values)
    {
        foreach (var value in values)
        {
            value.Dispose();
        }
    }
}
