namespace InferenceApi.Core.Imaging;

/// <summary>
/// What an uploaded image may cost before it is decoded. <see cref="MaxPixels"/> guards against decompression
/// bombs: a few kilobytes of PNG can claim 30000×30000 pixels, so the header is checked before any pixel is.
/// </summary>
public sealed record ImageLimits(long MaxBytes, long MaxPixels, int MaxWidth, int MaxHeight)
{
    /// <summary>20 MB of encoded data, 40 megapixels, at most 10000 pixels on a side: a large phone photo fits.</summary>
    public static ImageLimits Default { get; } = new(20L * 1024 * 1024, 40_000_000, 10_000, 10_000);
}
