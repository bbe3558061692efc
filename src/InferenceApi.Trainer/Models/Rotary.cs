using static TorchSharp.torch;

namespace InferenceApi.Trainer.Models;

/// <summary>
/// Rotary position embeddings as transformers' Llama computes them: inverse frequencies θ^(−2i/d), angles
/// position · frequency taken in float32, the two halves of the head concatenated (<c>rotate_half</c> layout, not
/// interleaved pairs), and cos/sin cast to the model's type before they rotate queries and keys.
/// </summary>
public static class Rotary
{
    /// <summary>θ^(−2i/d) for i in [0, d/2).</summary>
    public static float[] InverseFrequencies(int headSize, double theta) =>
        [.. Enumerable.Range(0, headSize / 2).Select(i => (float)(1.0 / Math.Pow(theta, 2.0 * i / headSize)))];

    /// <summary>cos and sin [batch, 1, new, headSize] for <paramref name="positionIds"/> [batch, new].</summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positionIds, int headSize, double theta, ScalarType type)
    {
        using var scope = NewDisposeScope();
        var frequencies = tensor(InverseFrequencies(headSize, theta), device: positionIds.device);
        var angles = positionIds.to_type(ScalarType.Float32).unsqueeze(-1).mul(frequencies);
        var both = cat([angles, angles], -1).unsqueeze(1);
        return (both.cos().to_type(type).MoveToOuterDisposeScope(), both.sin().to_type(type).MoveToOuterDisposeScope());
    }

    /// <summary>x · cos + rotate_half(x) · sin, where rotate_half(x) = [−x₂, x₁] over the two halves of the last axis.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var rotated = cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1);
        return TensorMath.Add(x.mul(cos), rotated.mul(sin)).MoveToOuterDisposeScope();
    }
}
