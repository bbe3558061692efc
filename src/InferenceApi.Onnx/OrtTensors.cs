using Microsoft.ML.OnnxRuntime;

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

    public static void DisposeAll(List<OrtValue> values)
    {
        foreach (var value in values)
        {
            value.Dispose();
        }
    }
}
