using System.Text;
using InferenceApi.Core.Imaging;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Imaging;

public sealed class PreprocessorConfigTests
{
    [Fact]
    public void Load_TinyVitFixture_Reads32x32AndHalfMeanStd()
    {
        var config = PreprocessorConfig.Load(Path.Combine(TestPaths.TinyVitDirectory, "preprocessor_config.json"));

        Assert.Equal(PreprocessorSize.Exact(32, 32), config.Size);
        Assert.Equal((32, 32), (config.OutputHeight, config.OutputWidth));
        Assert.Equal(ResampleFilter.Bilinear, config.Resample);
        Assert.Equal([0.5f, 0.5f, 0.5f], config.ImageMean);
        Assert.Equal([0.5f, 0.5f, 0.5f], config.ImageStd);
        Assert.Equal(0.00392156862745098, config.RescaleFactor);
        Assert.Equal("ViTImageProcessor", config.ImageProcessorType);
    }

    [Fact]
    public void Load_EmptyObject_GivesViTImageProcessorDefaults()
    {
        using var folder = new TempDirectory();

        var config = PreprocessorConfig.Load(folder.Write("preprocessor_config.json", "{}"));

        Assert.True(config.DoResize);
        Assert.Equal((224, 224), (config.OutputHeight, config.OutputWidth));
        Assert.Equal(ResampleFilter.Bilinear, config.Resample);
        Assert.True(config.DoRescale);
        Assert.Equal(1 / 255.0, config.RescaleFactor);
        Assert.True(config.DoNormalize);
        Assert.Equal([0.5f, 0.5f, 0.5f], config.ImageMean);
        Assert.False(config.DoCenterCrop);
    }

    [Fact]
    public void Load_IntegerSizeAndCrop_MeanSquares()
    {
        using var folder = new TempDirectory();

        var config = PreprocessorConfig.Load(folder.Write("preprocessor_config.json",
            """{ "size": 256, "do_center_crop": true, "crop_size": 224, "image_mean": 0.4, "resample": 3 }"""));

        Assert.Equal(PreprocessorSize.Exact(256, 256), config.Size);
        Assert.Equal((224, 224), (config.OutputHeight, config.OutputWidth));
        Assert.Equal([0.4f, 0.4f, 0.4f], config.ImageMean);
        Assert.Equal(ResampleFilter.Bicubic, config.Resample);
    }

    [Fact]
    public void Load_ShortestEdgeWithCrop_OutputIsTheCrop()
    {
        using var folder = new TempDirectory();

        var config = PreprocessorConfig.Load(folder.Write("preprocessor_config.json",
            """{ "size": { "shortest_edge": 224 }, "do_center_crop": true, "crop_size": { "height": 200, "width": 180 } }"""));

        Assert.Equal(224, config.Size.ShortestEdge);
        Assert.Equal((200, 180), (config.OutputHeight, config.OutputWidth));
    }

    [Fact]
    public void Load_WithByteOrderMark_Reads()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "preprocessor_config.json");
        File.WriteAllText(path, """{ "size": { "height": 8, "width": 6 } }""", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal((8, 6), (PreprocessorConfig.Load(path).OutputHeight, PreprocessorConfig.Load(path).OutputWidth));
    }

    [Theory]
    [InlineData("""{ "size": { "height": 0, "width": 6 } }""", "size.height")]
    [InlineData("""{ "size": "big" }""", "size")]
    [InlineData("""{ "image_mean": [0.5, 0.5] }""", "image_mean")]
    [InlineData("""{ "image_std": [0.5, 0, 0.5] }""", "image_std")]
    [InlineData("""{ "resample": 9 }""", "resample")]
    [InlineData("""{ "do_normalize": "yes" }""", "do_normalize")]
    [InlineData("""{ "rescale_factor": "1/255" }""", "rescale_factor")]
    [InlineData("""{ "do_center_crop": true }""", "crop_size")]
    [InlineData("""{ "size": { "shortest_edge": 224 } }""", "do_center_crop")]
    [InlineData("""{ "size": { "shortest_edge": 224, "longest_edge": 1333 } }""", "size")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{ "size": """, "not valid JSON")]
    public void Load_Malformed_ThrowsNamingFileAndField(string json, string field)
    {
        using var folder = new TempDirectory();
        var path = folder.Write("preprocessor_config.json", json);

        var exception = Assert.Throws<ModelFolderException>(() => PreprocessorConfig.Load(path));

        Assert.Contains("preprocessor_config.json", exception.Message, StringComparison.Ordinal);
        Assert.Contains(field, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_Throws()
    {
        using var folder = new TempDirectory();

        var exception = Assert.Throws<ModelFolderException>(() => PreprocessorConfig.Load(Path.Combine(folder.Path, "preprocessor_config.json")));

        Assert.Contains("missing", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(480, 640, 224, 298)]
    [InlineData(640, 480, 298, 224)]
    [InlineData(224, 500, 224, 500)]
    public void ResizeTarget_ShortestEdge_ScalesLongSideAndTruncates(int height, int width, int expectedHeight, int expectedWidth)
    {
        Assert.Equal((expectedHeight, expectedWidth), PreprocessorSize.Shortest(224).ResizeTarget(height, width));
    }
}
