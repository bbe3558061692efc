using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Models;

public sealed class InkBoxTests
{
    [Fact]
    public void Apply_ABarInACorner_IsFittedToTheFullHeightAndCentred()
    {
        using var scope = NewDisposeScope();
        // A 1-pixel-wide vertical bar, 4 pixels tall, in the top-left corner of an 8×8 frame.
        var pixels = full(1, 8, 8, -1f);
        pixels[0, TensorIndex.Slice(0, 4), 1] = tensor(1f);

        var fitted = InkBox.Apply(pixels);

        var inkRows = (fitted[0] > 0).any(1);
        Assert.True(inkRows.all().item<bool>(), "every row has ink once the bar fills the height");
        var inkColumns = (fitted[0] > 0).any(0).nonzero().flatten().data<long>().ToArray();
        // The 4×1 box becomes a 4×4 square around it, scaled ×2: the bar is two columns wide in the middle.
        Assert.Equal([3L, 4L], inkColumns);
    }

    [Fact]
    public void Apply_NoInk_KeepsTheImage()
    {
        using var scope = NewDisposeScope();
        var blank = full(2, 8, 8, -1f);

        Assert.True(InkBox.Apply(blank).allclose(blank));
    }
}
