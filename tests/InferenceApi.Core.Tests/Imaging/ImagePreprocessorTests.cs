using InferenceApi.Core.Imaging;

namespace InferenceApi.Core.Tests.Imaging;

public sealed class ImagePreprocessorTests
{
    /// <summary>No rescale, no normalise: the tensor holds the resized bytes, so resampling can be checked exactly.</summary>
    private static readonly PreprocessorConfig RawBytes = new() { DoRescale = false, DoNormalize = false };

    [Fact]
    public void Process_Bilinear4x4To2x2_MatchesPillowByHand()
    {
        // R = 10x + 40y, G = 255 - R, B = 7.
        using var image = Gradient4x4();
        var preprocessor = new ImagePreprocessor(RawBytes with { Size = PreprocessorSize.Exact(2, 2), Resample = ResampleFilter.Bilinear });

        var output = Run(preprocessor, image);

        // Pillow, one axis (scale 2, so the triangle's support is 2 input pixels each side):
        //   out 0: centre 1.0, window = pixels 0..2 ((int)(1 - 2 + 0.5) = 0, (int)(1 + 2 + 0.5) = 3),
        //          weights tri((i - 1 + 0.5) / 2) = 0.75, 0.75, 0.25, normalised 3/7, 3/7, 1/7.
        //   out 1: centre 3.0, window = pixels 1..3 (the 4th would be pixel 4, outside), weights 0.25, 0.75, 0.75 → 1/7, 3/7, 3/7.
        // Horizontal pass on a row a, a+10, a+20, a+30: a + 50/7 = a + 7.14 → a + 7, and a + 160/7 = a + 22.86 → a + 23
        // (22-bit fixed point, rounded to a byte). Vertical pass on b, b+40, b+80, b+120: b + 200/7 = b + 28.57 → b + 29,
        // b + 640/7 = b + 91.43 → b + 91. So R = [[0+7+29, 0+23+29], [7+91, 23+91]] = [[36, 52], [98, 114]]; G mirrors it.
        Assert.Equal([36, 52, 98, 114], output[..4]);
        Assert.Equal([219, 203, 157, 141], output[4..8]);
        Assert.Equal([7, 7, 7, 7], output[8..12]);
    }

    [Fact]
    public void Process_Nearest4x4To2x2_TakesPixelsAtOddCoordinates()
    {
        using var image = Gradient4x4();
        var preprocessor = new ImagePreprocessor(RawBytes with { Size = PreprocessorSize.Exact(2, 2), Resample = ResampleFilter.Nearest });

        var output = Run(preprocessor, image);

        // Pillow's affine NEAREST samples at (x + 0.5) · 2 = 1, 3 on both axes: R = 10x + 40y there.
        Assert.Equal([50, 70, 130, 150], output[..4]);
    }

    [Theory]
    [InlineData(ResampleFilter.Bicubic)]
    [InlineData(ResampleFilter.Lanczos)]
    [InlineData(ResampleFilter.Bilinear)]
    [InlineData(ResampleFilter.Box)]
    [InlineData(ResampleFilter.Hamming)]
    public void Process_ConstantImage_StaysConstantAfterAnyResize(ResampleFilter filter)
    {
        using var image = DecodedImage.FromRgb(7, 5, Enumerable.Repeat<byte[]>([200, 13, 255], 35).SelectMany(p => p).ToArray());
        var preprocessor = new ImagePreprocessor(RawBytes with { Size = PreprocessorSize.Exact(11, 3), Resample = filter });

        var output = Run(preprocessor, image);

        Assert.All(output[..33], v => Assert.Equal(200f, v));
        Assert.All(output[33..66], v => Assert.Equal(13f, v));
        Assert.All(output[66..], v => Assert.Equal(255f, v));
    }

    [Fact]
    public void Process_BicubicOnSharpEdges_StaysWithinByteRange()
    {
        // A checkerboard of 0 and 255 makes bicubic's negative lobes overshoot; Pillow clips each pass to 0..255.
        var rgb = new byte[9 * 9 * 3];
        for (var i = 0; i < 81; i++)
        {
            var white = ((i % 9) + (i / 9)) % 2 == 0;
            rgb.AsSpan(i * 3, 3).Fill(white ? (byte)255 : (byte)0);
        }

        using var image = DecodedImage.FromRgb(9, 9, rgb);
        var preprocessor = new ImagePreprocessor(RawBytes with { Size = PreprocessorSize.Exact(13, 4), Resample = ResampleFilter.Bicubic });

        var output = Run(preprocessor, image);

        Assert.All(output, v => Assert.InRange(v, 0f, 255f));
        Assert.Contains(output, v => v is > 0f and < 255f);
    }

    [Fact]
    public void Process_SameSize_IsIdentityForEveryFilter()
    {
        using var image = Gradient4x4();
        foreach (var filter in Enum.GetValues<ResampleFilter>())
        {
            var preprocessor = new ImagePreprocessor(RawBytes with { Size = PreprocessorSize.Exact(4, 4), Resample = filter });

            var output = Run(preprocessor, image);

            Assert.Equal(Enumerable.Range(0, 16).Select(i => (float)(10 * (i % 4) + 40 * (i / 4))), output[..16]);
        }
    }

    [Fact]
    public void Process_CentreCrop_UsesFloorOfHalfTheMargin()
    {
        // 5 wide, 4 high, value = 10y + x. Crop 2×3: top = (4 - 2) // 2 = 1, left = (5 - 3) // 2 = 1.
        using var image = Indexed(5, 4);
        var config = RawBytes with { DoResize = false, DoCenterCrop = true, CropSize = PreprocessorSize.Exact(2, 3) };
        var preprocessor = new ImagePreprocessor(config);

        var output = Run(preprocessor, image);

        Assert.Equal((2, 3, 18), (preprocessor.OutputHeight, preprocessor.OutputWidth, preprocessor.OutputLength));
        Assert.Equal([11, 12, 13, 21, 22, 23], output[..6]);
    }

    [Fact]
    public void Process_CropLargerThanImage_PadsWithZerosLikeTransformers()
    {
        // 2 wide, 1 high into 3×4: top = (1 - 3) // 2 = -1, left = (2 - 4) // 2 = -1, so the image sits at row 1, columns 1..2.
        using var image = Indexed(2, 1);
        var config = RawBytes with { DoResize = false, DoCenterCrop = true, CropSize = PreprocessorSize.Exact(3, 4) };

        var output = Run(new ImagePreprocessor(config), image);

        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0], output[..12]);
    }

    [Fact]
    public void Process_ShortestEdgeThenCrop_ResizesKeepingAspectThenCrops()
    {
        // 8 wide, 4 high, shortest edge 2 → 4 wide, 2 high (transformers truncates 2 · 8 / 4), then a 2×2 centre crop at left 1.
        using var image = Indexed(8, 4);
        var config = RawBytes with
        {
            Size = PreprocessorSize.Shortest(2),
            Resample = ResampleFilter.Nearest,
            DoCenterCrop = true,
            CropSize = PreprocessorSize.Exact(2, 2),
        };

        var output = Run(new ImagePreprocessor(config), image);

        // Nearest at scale 2 samples columns 1, 3, 5, 7 and rows 1, 3; the crop keeps columns 3 and 5.
        Assert.Equal([13, 15, 33, 35], output[..4]);
    }

    [Fact]
    public void Process_RescaleAndNormalise_FollowsTransformersFormula()
    {
        using var image = DecodedImage.FromRgb(1, 1, [0, 128, 255]);
        var config = new PreprocessorConfig { Size = PreprocessorSize.Exact(1, 1), ImageMean = [0.1f, 0.2f, 0.3f], ImageStd = [0.5f, 0.25f, 2f] };

        var output = Run(new ImagePreprocessor(config), image);

        Assert.Equal((0f - 0.1f) / 0.5f, output[0]);
        Assert.Equal(((float)(128 * (1 / 255.0)) - 0.2f) / 0.25f, output[1]);
        Assert.Equal((1f - 0.3f) / 2f, output[2]);
    }

    [Fact]
    public void Process_ImageNetConfigAt8x6_GivesShapeAndValues()
    {
        using var folder = new TempDirectory();
        var path = folder.Write("preprocessor_config.json", """
            {
              "image_processor_type": "ViTImageProcessor",
              "do_resize": true,
              "size": { "height": 8, "width": 6 },
              "resample": 3,
              "do_rescale": true,
              "rescale_factor": 0.00392156862745098,
              "do_normalize": true,
              "image_mean": [0.485, 0.456, 0.406],
              "image_std": [0.229, 0.224, 0.225]
            }
            """);
        var preprocessor = new ImagePreprocessor(PreprocessorConfig.Load(path));
        using var image = DecodedImage.FromRgb(12, 16, Enumerable.Repeat<byte[]>([200, 100, 50], 12 * 16).SelectMany(p => p).ToArray());

        var output = Run(preprocessor, image);

        Assert.Equal((8, 6, 144), (preprocessor.OutputHeight, preprocessor.OutputWidth, preprocessor.OutputLength));
        Assert.All(output[..48], v => Assert.Equal(((float)(200 / 255.0) - 0.485f) / 0.229f, v));
        Assert.All(output[48..96], v => Assert.Equal(((float)(100 / 255.0) - 0.456f) / 0.224f, v));
        Assert.All(output[96..], v => Assert.Equal(((float)(50 / 255.0) - 0.406f) / 0.225f, v));
    }

    [Fact]
    public void Process_FixtureImageWithTinyVitConfig_IsPixelOver255MinusHalfOverHalf()
    {
        var preprocessor = new ImagePreprocessor(PreprocessorConfig.Load(Path.Combine(TestPaths.TinyVitDirectory, "preprocessor_config.json")));
        var decoded = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(TestPaths.OnnxFixturesDirectory, "image0.png")), ImageLimits.Default);
        Assert.True(decoded.IsSuccess);
        using var image = decoded.Value;

        var output = Run(preprocessor, image);

        Assert.Equal(3 * 32 * 32, output.Length);
        for (var y = 0; y < 32; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                var (r, g, b) = image.GetPixel(x, y);
                var i = (y * 32) + x;
                Assert.Equal(((float)(r * (1 / 255.0)) - 0.5f) / 0.5f, output[i]);
                Assert.Equal(((float)(g * (1 / 255.0)) - 0.5f) / 0.5f, output[1024 + i]);
                Assert.Equal(((float)(b * (1 / 255.0)) - 0.5f) / 0.5f, output[2048 + i]);
            }
        }

        Assert.Equal((175 / 255f - 0.5f) / 0.5f, output[0], 1e-6f);
    }

    [Fact]
    public void Process_DestinationTooSmall_Throws()
    {
        using var image = Gradient4x4();
        var preprocessor = new ImagePreprocessor(RawBytes with { Size = PreprocessorSize.Exact(2, 2) });

        Assert.Throws<ArgumentException>(() => preprocessor.Process(image, new float[11]));
    }

    private static float[] Run(ImagePreprocessor preprocessor, DecodedImage image)
    {
        var output = new float[preprocessor.OutputLength];
        preprocessor.Process(image, output);
        return output;
    }

    private static DecodedImage Gradient4x4()
    {
        var rgb = new byte[4 * 4 * 3];
        for (var y = 0; y < 4; y++)
        {
            for (var x = 0; x < 4; x++)
            {
                var i = ((y * 4) + x) * 3;
                rgb[i] = (byte)((10 * x) + (40 * y));
                rgb[i + 1] = (byte)(255 - rgb[i]);
                rgb[i + 2] = 7;
            }
        }

        return DecodedImage.FromRgb(4, 4, rgb);
    }

    /// <summary>Each pixel's red is 10·y + x; green and blue are 0.</summary>
    private static DecodedImage Indexed(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < width * height; i++)
        {
            rgb[i * 3] = (byte)((10 * (i / width)) + (i % width));
        }

        return DecodedImage.FromRgb(width, height, rgb);
    }
}
