using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Models;

public sealed class InkNormalizationTests
{
    [Fact]
    public void Apply_ADigitAndItsNegative_GiveTheSameFullContrastImage()
    {
        using var scope = NewDisposeScope();
        var (pixels, _) = TrainerData.Digits.Subset([.. Enumerable.Range(0, 32)]).ToTensors();
        var grey = pixels.mean([1L]);
        // Dark ink on a light page at half contrast: what a scan of pencil on paper gives.
        var faintNegative = (-grey * 0.5) + 0.2;

        var light = InkNormalization.Apply(grey);
        var fromNegative = InkNormalization.Apply(faintNegative);

        // Equal but for the epsilon that keeps a blank image finite, which weighs twice as much on the half-contrast range.
        Assert.True(light.allclose(fromNegative, rtol: 0, atol: 3e-3), $"max diff {(light - fromNegative).abs().max().item<float>()}");
        Assert.Equal(-1f, light.amin([1L, 2L]).min().item<float>(), 4);
        Assert.Equal(1f, light.amax([1L, 2L]).max().item<float>(), 2);
        // Light ink on dark: the outer ring stays below the mean, so the digits are not turned around.
        Assert.True(light.mean().item<float>() < 0);
    }
}
