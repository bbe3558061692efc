using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Training;

public sealed class ImageAugmenterTests
{
    private static Tensor Batch() => TrainerData.Digits.Subset([.. Enumerable.Range(0, 64)]).ToTensors().Pixels;

    [Fact]
    public void Apply_InvertAlways_SwapsInkAndBackgroundExactly()
    {
        using var scope = NewDisposeScope();
        var pixels = Batch();

        var augmented = new ImageAugmenter(new ImageAugmentation { Invert = 1 }).Apply(pixels);

        Assert.True(augmented.allclose(-pixels, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Apply_EverySetting_KeepsOneGreyChannelInRangeAndVariesTheImages()
    {
        using var scope = NewDisposeScope();
        var settings = new ImageAugmentation { Invert = 0.5, Shift = 0.1, ScaleMin = 0.6, ScaleMax = 1, Squeeze = 0.3, Rotate = 10, Stroke = 0.3, Blur = 0.5, ContrastMin = 0.5, Noise = 0.02 };
        var augmenter = new ImageAugmenter(settings);
        var pixels = Batch();

        var first = augmenter.Apply(pixels);
        var second = augmenter.Apply(pixels);

        Assert.Equal([64L, 1, 8, 8], first.shape);
        Assert.False(first.allclose(second));
        Assert.False(first.allclose(pixels));
        Assert.InRange(first.min().item<float>(), -1f, 1f);
        Assert.InRange(first.max().item<float>(), -1f, 1f);
    }

    [Fact]
    public void Apply_ZoomToHalf_LeavesAboutAQuarterOfTheInk()
    {
        using var scope = NewDisposeScope();
        var pixels = Batch();
        var ink = ((pixels.mean([1L]) + 1) / 2).sum().item<float>();

        var halved = new ImageAugmenter(new ImageAugmentation { ScaleMin = 0.5, ScaleMax = 0.5 }).Apply(pixels);

        var left = ((halved + 1) / 2).sum().item<float>() / ink;
        Assert.InRange(left, 0.2, 0.3);
        // The border ring is empty: the drawing shrank around the centre.
        Assert.Equal(-1f, halved[.., .., 0, ..].max().item<float>(), 3);
    }
}
