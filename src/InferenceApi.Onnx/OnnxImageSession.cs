using InferenceApi.Core.Backends;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Onnx;

/// <summary>A ViT-style session: <c>pixel_values</c> wrapped over the batch's pooled array (no copy), <c>logits</c> copied out.</summary>
internal sealed class OnnxImageSession(InferenceSession session, string placement) : IImageSession
{
    private static readonly string[] InputNames = [OptimumLayout.PixelValues];
    private static readonly string[] OutputNames = [OptimumLayout.Logits];
    private readonly RunOptions _runOptions = new();

    public string Placement { get; } = placement;

    public EncoderOutput Run(float[] pixels, int count, int height, int width)
    {
        long[] shape = [count, 3, height, width];
        try
        {
            using var input = OrtTensors.Over(pixels, count * 3 * height * width, shape);
            using var outputs = session.Run(_runOptions, InputNames, [input], OutputNames);
            var logits = outputs[0];
            var result = new EncoderOutput(logits.GetTensorTypeAndShape().Shape);
            logits.GetTensorDataAsSpan<float>().CopyTo(result.Data);
            return result;
        }
        catch (OnnxRuntimeException exception)
        {
            throw new BackendException(exception.Message, exception);
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        session.Dispose();
    }
}
