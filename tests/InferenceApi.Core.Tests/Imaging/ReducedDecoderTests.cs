using InferenceApi.Core.Errors;
using InferenceApi.Core.Imaging;
using SkiaSharp;

namespace InferenceApi.Core.Tests.Imaging;

/// <summary>Decoding at a fraction of the size when the resize that follows needs far fewer pixels (<see cref="ImageDecoder.Decode"/>'s resizeTo).</summary>
public sealed class ReducedDecoderTests
{
    private static readonly ImageLimits Limits = ImageLimits.Default;

    [Fact]
    public void Decode_PngThreeTimesTwiceTheTarget_IsTheFullImageBoxAveragedTwoByTwo()
    {
        var png = TestImages.Png(91, 60, Noise);
        using var full = Decode(png, null);

        // 91 / (3 × 15) = 2 and 60 / (3 × 10) = 2: halved, the odd last column averaged over the one column it has.
        using var reduced = Decode(png, (15, 10));

        Assert.Equal((46, 30), (reduced.Width, reduced.Height));
        for (var y = 0; y < 30; y++)
        {
            for (var x = 0; x < 46; x++)
            {
                Assert.Equal(BoxAverage(full, x * 2, y * 2, Math.Min(2, 91 - (x * 2)), 2), reduced.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void Decode_ImageUnderThreeTimesTheTarget_IsDecodedWhole()
    {
        using var image = Decode(TestImages.Png(59, 59, Noise), (20, 20));

        Assert.Equal((59, 59), (image.Width, image.Height));
    }

    [Fact]
    public void Decode_LargeJpeg_UsesTheCodecsOwnScaling()
    {
        var jpeg = TestImages.Encode(TestImages.Bitmap(800, 640, Noise), SKEncodedImageFormat.Jpeg);

        // A factor of 5 (800 / 150, 640 / 120): libjpeg scales by eighths, and the decoder takes the first that keeps enough.
        using var image = Decode(jpeg, (50, 40));

        Assert.InRange(image.Width, 160, 799);
        Assert.Equal(image.Width * 640 / 800, image.Height);
    }

    [Fact]
    public void Decode_ReducedThenResized_GivesNearlyWhatTheFullImageGives()
    {
        var png = TestImages.Png(600, 480, Noise);
        var preprocessor = new ImagePreprocessor(new PreprocessorConfig { Size = PreprocessorSize.Exact(16, 20) });
        var fromFull = new float[preprocessor.OutputLength];
        var fromReduced = new float[preprocessor.OutputLength];
        using (var full = Decode(png, null))
        {
            preprocessor.Process(full, fromFull);
        }

        using (var reduced = Decode(png, (20, 16)))
        {
            Assert.Equal((60, 48), (reduced.Width, reduced.Height));
            preprocessor.Process(reduced, fromReduced);
        }

        // Normalised to [-1, 1]: within 2 % of the range at every value, and the two differ (the reduced path was taken).
        Assert.All(fromFull.Zip(fromReduced), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, 0.04f));
        Assert.NotEqual(fromFull, fromReduced);
    }

    [Fact]
    public void Decode_TruncatedPngDecodedRowByRow_Is422()
    {
        var png = TestImages.Png(300, 300, Noise);

        var result = ImageDecoder.Decode(png.AsSpan(0, png.Length / 2), Limits, "images[0]", (10, 10));

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Unprocessable, result.Error.Kind);
        Assert.Contains("is truncated", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadSize_GivesTheHeadersSizeWithoutDecoding_AndNullForNoImage()
    {
        Assert.Equal((30000, 20000), ImageDecoder.ReadSize(TestImages.PngHeaderOnly(30000, 20000)));
        Assert.Null(ImageDecoder.ReadSize("not an image"u8));
        Assert.Null(ImageDecoder.ReadSize([]));
    }

    /// <summary>Colours that change at every pixel, so any averaging shows.</summary>
    private static SKColor Noise(int x, int y) => new((byte)((x * 37) + (y * 11)), (byte)((x * 5) ^ (y * 13)), (byte)((x + y) * 3), 255);

    private static DecodedImage Decode(byte[] data, (int, int)? resizeTo)
    {
        var result = ImageDecoder.Decode(data, Limits, "images[0]", resizeTo);
        Assert.True(result.IsSuccess, result.IsSuccess ? null : result.Error.Message);
        return result.Value;
    }

    private static (byte R, byte G, byte B) BoxAverage(DecodedImage image, int left, int top, int width, int height)
    {
        int r = 0, g = 0, b = 0;
        for (var y = top; y < top + height; y++)
        {
            for (var x = left; x < left + width; x++)
            {
                var (pr, pg, pb) = image.GetPixel(x, y);
                r += pr;
                g += pg;
                b += pb;
            }
        }

        var count = width * height;
        return ((byte)((r + (count / 2)) / count), (byte)((g + (count / 2)) / count), (byte)((b + (count / 2)) / count));
    }
}
