using System.Buffers;
using InferenceApi.Core.Backends;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Inference;

/// <summary>
/// Stacks preprocessed images ([3, H, W] each) into one pooled [batch, 3, H, W] tensor, runs it, and
/// returns each image's logits row: one batch is one tensor.
/// </summary>
public sealed class ImageBatchRunner(IReadOnlyList<IImageSession> sessions, int height, int width) : IBatchRunner<float[], float[]>
{
    public IReadOnlyList<float[]> Run(IReadOnlyList<float[]> inputs, int instance)
    {
        var imageLength = 3 * height * width;
        var pixels = ArrayPool<float>.Shared.Rent(imageLength * inputs.Count);
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                inputs[i].AsSpan(0, imageLength).CopyTo(pixels.AsSpan(i * imageLength, imageLength));
            }

            using var output = sessions[instance].Run(pixels, inputs.Count, height, width);
            var labels = checked((int)output.Shape[1]);
            var results = new float[inputs.Count][];
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = output.Data.Slice(i * labels, labels).ToArray();
            }

            return results;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(pixels);
        }
    }
}
