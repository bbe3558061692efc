using System.Runtime.InteropServices;
using SkiaSharp;

namespace InferenceApi.Core.Imaging;

/// <summary>
/// Decodes an image at a whole fraction of its size when the model needs far fewer pixels than it holds: JPEG and WebP
/// through the codec's own scaling (libjpeg's DCT scaling decodes less), others into a box average (Pillow's
/// <c>Image.reduce</c>): row by row where the codec can, else from the whole decoded image, which then lives only for the
/// reduction (this Skia decodes PNG and GIF only whole). The result keeps at least
/// <see cref="Gap"/> times the pixels the resize needs on each side, Pillow's <c>reducing_gap</c>, so the resize that
/// follows still sees enough detail to give nearly what it gives from the full image.
/// </summary>
internal static class ReducedDecoder
{
    /// <summary>How many times the resize target's size the reduced image keeps, at least.</summary>
    public const int Gap = 3;

    /// <summary>The whole factor an image of the given stored size can shrink by for a resize to <paramref name="neededWidth"/> × <paramref name="neededHeight"/> (1: none).</summary>
    public static int Factor(int width, int height, int neededWidth, int neededHeight) =>
        Math.Max(1, Math.Min(width / (Gap * Math.Max(1, neededWidth)), height / (Gap * Math.Max(1, neededHeight))));

    /// <summary>
    /// Fills an RGBA buffer (unpremultiplied) with the image reduced by about <paramref name="factor"/>.
    /// </summary>
    public static (byte[] Rgba, int Width, int Height, SKCodecResult Result) Decode(SKCodec codec, int factor)
    {
        var stored = codec.Info;
        var scaled = codec.GetScaledDimensions(1f / factor);
        if (scaled.Width < stored.Width && scaled.Width >= Ceiling(stored.Width, factor) && scaled.Height >= Ceiling(stored.Height, factor))
        {
            var info = new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            var rgba = PixelBuffers.Rent(info.BytesSize);
            Array.Clear(rgba, 0, info.BytesSize);
            return (rgba, scaled.Width, scaled.Height, codec.GetPixels(info, rgba));
        }

        var rows = new SKImageInfo(stored.Width, stored.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (codec.StartScanlineDecode(rows) == SKCodecResult.Success && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown)
        {
            var pinned = default(GCHandle);
            try
            {
                return BoxReduce(stored.Width, stored.Height, factor, row =>
                {
                    if (!pinned.IsAllocated)
                    {
                        pinned = GCHandle.Alloc(row, GCHandleType.Pinned);
                    }

                    return codec.GetScanlines(pinned.AddrOfPinnedObject(), 1, stored.Width * 4) == 1;
                });
            }
            finally
            {
                if (pinned.IsAllocated)
                {
                    pinned.Free();
                }
            }
        }

        // PNG, WebP without scaling, GIF: this Skia decodes them whole only. The full image is then a transient, unpooled
        // buffer, and the reduction still spares the copy to RGB and the resize at full size.
        using var slot = WholeDecodeGate.Shared.Enter((long)stored.Width * stored.Height * 4);
        var (full, _, _, result) = ImageDecoder.DecodeFull(codec);
        try
        {
            var next = 0;
            var reduced = BoxReduce(stored.Width, stored.Height, factor, row =>
            {
                full.AsSpan(next * row.Length, row.Length).CopyTo(row);
                next++;
                return true;
            });
            return reduced with { Result = result };
        }
        finally
        {
            PixelBuffers.Return(full);
        }
    }

    /// <summary>Averages boxes of factor × factor pixels; <paramref name="readRow"/> fills the next row (RGBA), false when it could not.</summary>
    private static (byte[] Rgba, int Width, int Height, SKCodecResult Result) BoxReduce(int width, int height, int factor, Func<byte[], bool> readRow)
    {
        var outWidth = Ceiling(width, factor);
        var outHeight = Ceiling(height, factor);
        var output = PixelBuffers.Rent(outWidth * outHeight * 4);
        var row = new byte[width * 4];
        var sums = new long[outWidth * 4];
        var result = SKCodecResult.Success;
        for (var outY = 0; outY < outHeight; outY++)
        {
            Array.Clear(sums);
            var rowsInBox = Math.Min(factor, height - (outY * factor));
            for (var r = 0; r < rowsInBox; r++)
            {
                if (!readRow(row))
                {
                    // The codec fills what it could not read; the refusal is the caller's (a truncated image is 422 either way).
                    result = SKCodecResult.IncompleteInput;
                }

                for (var x = 0; x < width; x++)
                {
                    var sum = (x / factor) * 4;
                    var pixel = x * 4;
                    sums[sum] += row[pixel];
                    sums[sum + 1] += row[pixel + 1];
                    sums[sum + 2] += row[pixel + 2];
                    sums[sum + 3] += row[pixel + 3];
                }
            }

            for (var outX = 0; outX < outWidth; outX++)
            {
                var count = rowsInBox * Math.Min(factor, width - (outX * factor));
                var at = outX * 4;
                var to = ((outY * outWidth) + outX) * 4;
                for (var c = 0; c < 4; c++)
                {
                    output[to + c] = (byte)((sums[at + c] + (count / 2)) / count);
                }
            }

            if (result != SKCodecResult.Success)
            {
                break;
            }
        }

        return (output, outWidth, outHeight, result);
    }

    private static int Ceiling(int value, int divisor) => (value + divisor - 1) / divisor;
}
