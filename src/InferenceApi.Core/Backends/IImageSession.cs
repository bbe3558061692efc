namespace InferenceApi.Core.Backends;

/// <summary>One loaded copy of an image classifier graph (<c>pixel_values</c> → <c>logits</c>); one batch at a time.</summary>
public interface IImageSession : IDisposable
{
    /// <summary>Where the session runs ("CPU", "CUDA:0", or why CUDA fell back).</summary>
    string Placement { get; }

    /// <summary>
    /// Runs <paramref name="count"/> images laid out as [count, 3, height, width] at the start of
    /// <paramref name="pixels"/>; the caller owns the returned logits and disposes them.
    /// </summary>
    EncoderOutput Run(float[] pixels, int count, int height, int width);
}
