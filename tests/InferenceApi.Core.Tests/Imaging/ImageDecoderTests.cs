using InferenceApi.Core.Errors;
using InferenceApi.Core.Imaging;
using SkiaSharp;

namespace InferenceApi.Core.Tests.Imaging;

public sealed class ImageDecoderTests
{
    private static readonly ImageLimits Limits = ImageLimits.Default;

    [Fact]
    public void Decode_FixturePng_Gives32By32WithKnownPixels()
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.OnnxFixturesDirectory, "image0.png"));

        using var image = Decoded(bytes);

        Assert.Equal(32, image.Width);
        Assert.Equal(32, image.Height);
        Assert.Equal(32 * 32 * 3, image.Pixels.Length);

        // Read independently by un-filtering the PNG's IDAT with Python's zlib.
        Assert.Equal((175, 196, 25), Rgb(image, 0, 0));
        Assert.Equal((185, 229, 73), Rgb(image, 31, 0));
        Assert.Equal((148, 102, 165), Rgb(image, 0, 31));
        Assert.Equal((69, 60, 47), Rgb(image, 15, 17));
        Assert.Equal((227, 207, 29), Rgb(image, 31, 31));
    }

    [Fact]
    public void Decode_SkiaEncodedPng_GivesEveryPixelBack()
    {
        using var image = Decoded(TestImages.Png(5, 4, TestImages.Pattern));

        AssertPattern(image, 5, 4, tolerance: 0);
    }

    [Fact]
    public void Decode_LosslessWebP_GivesEveryPixelBack()
    {
        using var bitmap = TestImages.Bitmap(5, 4, TestImages.Pattern);

        // SkiaSharp's WebP encoder switches to lossless at quality 100.
        using var image = Decoded(TestImages.Encode(bitmap, SKEncodedImageFormat.Webp, quality: 100));

        AssertPattern(image, 5, 4, tolerance: 0);
    }

    [Fact]
    public void Decode_Jpeg_GivesPixelsApproximately()
    {
        // Smooth content: JPEG's chroma subsampling smears sharp colour edges, not gentle gradients.
        static SKColor Smooth(int x, int y) => new((byte)(100 + (4 * x)), (byte)(120 + (3 * y)), (byte)(90 + x + y), 255);
        using var bitmap = TestImages.Bitmap(16, 16, Smooth);

        using var image = Decoded(TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg, quality: 100));

        Assert.Equal((16, 16), (image.Width, image.Height));
        for (var y = 0; y < 16; y++)
        {
            for (var x = 0; x < 16; x++)
            {
                var expected = Smooth(x, y);
                var (r, g, b) = image.GetPixel(x, y);
                Assert.InRange(r, expected.Red - 4, expected.Red + 4);
                Assert.InRange(g, expected.Green - 4, expected.Green + 4);
                Assert.InRange(b, expected.Blue - 4, expected.Blue + 4);
            }
        }
    }

    [Fact]
    public void Decode_HandWrittenBmp_GivesEveryPixelBack()
    {
        using var image = Decoded(TestImages.Bmp(5, 4, TestImages.Pattern));

        AssertPattern(image, 5, 4, tolerance: 0);
    }

    [Fact]
    public void Decode_AnimatedGif_GivesFirstFrameOnly()
    {
        SKColor[] palette = [new(255, 0, 0), new(0, 255, 0), new(0, 0, 255), new(250, 250, 250)];
        byte[] first = [0, 1, 2, 3, 3, 2, 1, 0, 0, 0, 3, 3];
        byte[] second = [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3];

        using var image = Decoded(TestImages.Gif(4, 3, palette, first, second));

        Assert.Equal((4, 3), (image.Width, image.Height));
        for (var i = 0; i < first.Length; i++)
        {
            var c = palette[first[i]];
            Assert.Equal((c.Red, c.Green, c.Blue), image.GetPixel(i % 4, i / 4));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Decode_JpegWithExifOrientation_IsUpright(int orientation)
    {
        const int StoredWidth = 32, StoredHeight = 16;
        using var bitmap = TestImages.Bitmap(StoredWidth, StoredHeight, (x, y) => new((byte)(x * 8), (byte)(y * 16), 128, 255));
        var jpeg = TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg);
        using var stored = Decoded(jpeg);

        using var upright = Decoded(TestImages.WithExifOrientation(jpeg, orientation));

        // What PIL's ImageOps.exif_transpose does, written as "which stored pixel lands at (x, y)".
        Func<int, int, (int X, int Y)> source = orientation switch
        {
            2 => (x, y) => (StoredWidth - 1 - x, y), // FLIP_LEFT_RIGHT
            3 => (x, y) => (StoredWidth - 1 - x, StoredHeight - 1 - y), // ROTATE_180
            4 => (x, y) => (x, StoredHeight - 1 - y), // FLIP_TOP_BOTTOM
            5 => (x, y) => (y, x), // TRANSPOSE
            6 => (x, y) => (y, StoredHeight - 1 - x), // ROTATE_270 (clockwise)
            7 => (x, y) => (StoredWidth - 1 - y, StoredHeight - 1 - x), // TRANSVERSE
            8 => (x, y) => (StoredWidth - 1 - y, x), // ROTATE_90 (counter-clockwise)
            _ => (x, y) => (x, y),
        };
        var swapped = orientation >= 5;
        Assert.Equal(swapped ? (StoredHeight, StoredWidth) : (StoredWidth, StoredHeight), (upright.Width, upright.Height));
        for (var y = 0; y < upright.Height; y++)
        {
            for (var x = 0; x < upright.Width; x++)
            {
                var (sx, sy) = source(x, y);
                Assert.Equal(stored.GetPixel(sx, sy), upright.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void Decode_JpegWithOrientation6_PutsStoredBottomLeftAtTopLeft()
    {
        // Stored 32×16: bottom-left quarter dark, the rest bright. Rotated clockwise, the stored bottom-left lands top-left.
        using var bitmap = TestImages.Bitmap(32, 16, (x, y) => x < 16 && y >= 8 ? new SKColor(10, 10, 10) : new SKColor(240, 240, 240));
        var jpeg = TestImages.WithExifOrientation(TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg), 6);

        using var image = Decoded(jpeg);

        Assert.Equal((16, 32), (image.Width, image.Height));
        Assert.InRange(image.GetPixel(0, 0).R, 0, 30);
        Assert.InRange(image.GetPixel(15, 0).R, 220, 255);
        Assert.InRange(image.GetPixel(0, 31).R, 220, 255);
    }

    [Fact]
    public void Decode_TransparentPixels_KeepTheirColourWithoutCompositing()
    {
        var png = TestImages.PngRgba(2, 1, [200, 100, 50, 0, 10, 20, 30, 128]);

        using var image = Decoded(png);

        Assert.Equal((200, 100, 50), Rgb(image, 0, 0));
        Assert.Equal((10, 20, 30), Rgb(image, 1, 0));
    }

    [Fact]
    public void Decode_GreyscalePng_GivesEqualChannels()
    {
        using var grey = new SKBitmap(new SKImageInfo(3, 1, SKColorType.Gray8, SKAlphaType.Opaque));
        grey.GetPixelSpan()[0] = 0;
        grey.GetPixelSpan()[1] = 77;
        grey.GetPixelSpan()[2] = 255;
        var png = TestImages.Encode(grey, SKEncodedImageFormat.Png);

        using var image = Decoded(png);

        Assert.Equal((0, 0, 0), Rgb(image, 0, 0));
        Assert.Equal((77, 77, 77), Rgb(image, 1, 0));
        Assert.Equal((255, 255, 255), Rgb(image, 2, 0));
    }

    [Fact]
    public void Decode_TruncatedPng_IsUnprocessable()
    {
        var png = TestImages.Png(64, 64, (x, y) => new SKColor((byte)(x * y), (byte)x, (byte)y));

        var result = ImageDecoder.Decode(png.AsSpan(0, png.Length / 2), Limits, "images[1]");

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorKind.Unprocessable, result.Error.Kind);
        Assert.Equal("images[1]", result.Error.Field);
        Assert.Contains("images[1]", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PngCutInsideHeader_IsUnprocessable()
    {
        var png = TestImages.Png(4, 4, TestImages.Pattern);

        var result = ImageDecoder.Decode(png.AsSpan(0, 12), Limits);

        Assert.Equal(ErrorKind.Unprocessable, result.Error?.Kind);
    }

    [Fact]
    public void Decode_RandomBytes_IsUnsupportedMediaTypeListingFormats()
    {
        var bytes = new byte[256];
        new Random(42).NextBytes(bytes);
        bytes[0] = 0x42; // not the first byte of any supported signature

        var result = ImageDecoder.Decode(bytes, Limits);

        Assert.Equal(ErrorKind.UnsupportedMediaType, result.Error?.Kind);
        Assert.Contains("PNG, JPEG, WebP, BMP, GIF", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Tiff_NamesTheDetectedFormat()
    {
        byte[] tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0];

        var result = ImageDecoder.Decode(tiff, Limits, "image");

        Assert.Equal(ErrorKind.UnsupportedMediaType, result.Error?.Kind);
        Assert.Contains("TIFF", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("image", result.Error.Field);
    }

    [Fact]
    public void Decode_Empty_IsUnsupportedMediaType()
    {
        var result = ImageDecoder.Decode([], Limits);

        Assert.Equal(ErrorKind.UnsupportedMediaType, result.Error?.Kind);
    }

    [Fact]
    public void Decode_HeaderClaiming30000Squared_IsTooLargeWithoutDecodingPixels()
    {
        // The file has no IDAT at all: reaching the pixel decoder would fail as corrupt (422), not 413.
        var png = TestImages.PngHeaderOnly(30000, 30000);

        var result = ImageDecoder.Decode(png, Limits with { MaxWidth = 100_000, MaxHeight = 100_000 }, "images[0]");

        Assert.Equal(ErrorKind.PayloadTooLarge, result.Error?.Kind);
        Assert.Equal(40_000_000L, result.Error!.Limit);
        Assert.Equal(900_000_000L, result.Error.Received);
        Assert.Equal("images[0]", result.Error.Field);
        Assert.Contains("30000×30000 = 900000000 pixels; at most 40000000 are allowed.", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_HeaderOnlyPngWithinLimits_IsUnprocessable()
    {
        // The counterpart of the test above: the same kind of file, small enough to reach the pixel decoder, fails there.
        var result = ImageDecoder.Decode(TestImages.PngHeaderOnly(300, 300), Limits);

        Assert.Equal(ErrorKind.Unprocessable, result.Error?.Kind);
    }

    [Fact]
    public void Decode_WiderThanMaxWidth_IsTooLarge()
    {
        var png = TestImages.Png(20, 2, TestImages.Pattern);

        var result = ImageDecoder.Decode(png, Limits with { MaxWidth = 10 });

        Assert.Equal(ErrorKind.PayloadTooLarge, result.Error?.Kind);
        Assert.Equal(10, result.Error!.Limit);
        Assert.Equal(20, result.Error.Received);
    }

    [Fact]
    public void Decode_MoreBytesThanMaxBytes_IsTooLarge()
    {
        var png = TestImages.Png(4, 4, TestImages.Pattern);

        var result = ImageDecoder.Decode(png, Limits with { MaxBytes = 10 });

        Assert.Equal(ErrorKind.PayloadTooLarge, result.Error?.Kind);
        Assert.Equal(10L, result.Error!.Limit);
        Assert.Equal(png.Length, result.Error.Received);
    }

    private static DecodedImage Decoded(byte[] bytes)
    {
        var result = ImageDecoder.Decode(bytes, Limits);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value;
    }

    private static (int R, int G, int B) Rgb(DecodedImage image, int x, int y)
    {
        var (r, g, b) = image.GetPixel(x, y);
        return (r, g, b);
    }

    private static void AssertPattern(DecodedImage image, int width, int height, int tolerance)
    {
        Assert.Equal((width, height), (image.Width, image.Height));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var expected = TestImages.Pattern(x, y);
                var (r, g, b) = image.GetPixel(x, y);
                Assert.InRange(r, expected.Red - tolerance, expected.Red + tolerance);
                Assert.InRange(g, expected.Green - tolerance, expected.Green + tolerance);
                Assert.InRange(b, expected.Blue - tolerance, expected.Blue + tolerance);
            }
        }
    }
}
