using InferenceApi.Trainer.Data;

namespace InferenceApi.Trainer.Tests.Data;

public sealed class ImageDatasetTests
{
    [Fact]
    public void Grey_ThreeChannels_AveragesThemPerPixel()
    {
        // Two 1×2 images: channel planes (1, 2), (3, 4), (5, 9) and (0, 0), (0, 3), (3, 6).
        var rgb = new ImageDataset([1, 2, 3, 4, 5, 9, 0, 0, 0, 3, 3, 6], [4, 7], channels: 3, height: 1, width: 2);

        var grey = rgb.Grey();

        Assert.Equal(1, grey.Channels);
        Assert.Equal([3f, 5f, 1f, 3f], grey.Pixels);
        Assert.Equal([4, 7], grey.Labels);
    }

    [Fact]
    public void Concat_SameShape_AppendsImagesAndLabelsInOrder()
    {
        var first = new ImageDataset([1, 2], [0], channels: 1, height: 1, width: 2);
        var second = new ImageDataset([3, 4, 5, 6], [1, 2], channels: 1, height: 1, width: 2);

        var both = first.Concat(second);

        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], both.Pixels);
        Assert.Equal([0, 1, 2], both.Labels);
    }

    [Fact]
    public void Concat_OtherChannelCount_SaysWhichShapesDiffer()
    {
        var grey = new ImageDataset([1, 2], [0], channels: 1, height: 1, width: 2);
        var rgb = new ImageDataset([1, 2, 3, 4, 5, 6], [0], channels: 3, height: 1, width: 2);

        var error = Assert.Throws<ArgumentException>(() => grey.Concat(rgb));

        Assert.Contains("3×1×2 cannot join images of 1×1×2", error.Message, StringComparison.Ordinal);
    }
}
