using InferenceApi.Trainer.Data;
using SkiaSharp;

namespace InferenceApi.Trainer.Tests.Data;

/// <summary>Renders with DejaVu Sans, which scripts/test.sh installs (fonts-dejavu-core) when it is missing.</summary>
public sealed class DigitRendererTests : IDisposable
{
    private const string DejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    private readonly TempDirectory temp = new();

    [Theory]
    [InlineData(InkPolarity.DarkOnLight)]
    [InlineData(InkPolarity.LightOnDark)]
    public void Render_One_IsASquareWithTheInkCentredAndTheRightWayRound(InkPolarity polarity)
    {
        using var typeface = SKTypeface.FromFile(DejaVuSans);

        var png = DigitRenderer.Render(typeface, '8', 40, polarity);

        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((40, 40), (bitmap.Width, bitmap.Height));
        var ink = polarity == InkPolarity.DarkOnLight ? (Func<SKColor, bool>)(c => c.Red < 128) : c => c.Red >= 128;
        var inked = Enumerable.Range(0, 40 * 40).Where(i => ink(bitmap.GetPixel(i % 40, i / 40))).ToArray();
        var rows = inked.Select(i => i / 40).ToArray();
        var columns = inked.Select(i => i % 40).ToArray();
        // The "8" is 20/28 of the side tall and sits in the middle.
        Assert.InRange(rows.Max() - rows.Min() + 1, 27, 30);
        Assert.InRange((rows.Max() + rows.Min()) / 2.0, 18.5, 20.5);
        Assert.InRange((columns.Max() + columns.Min()) / 2.0, 18.5, 20.5);
        Assert.False(ink(bitmap.GetPixel(0, 0)));
    }

    [Fact]
    public void RenderFolder_TwoSidesBothPolarities_IsAnImageFolderTheTrainerReads()
    {
        var folder = Path.Combine(temp.Path, "typed");

        var written = DigitRenderer.RenderFolder(folder, [DejaVuSans], [28, 64], [InkPolarity.DarkOnLight, InkPolarity.LightOnDark]);

        Assert.Equal(40, written);
        var labels = new LabelSet(DigitsCsv.LabelNames);
        var data = ImageFolder.Load(folder, labels, 8);
        Assert.Equal(40, data.Count);
        Assert.Equal(4, data.Labels.Count(l => l == 7));
        Assert.True(File.Exists(Path.Combine(folder, "3", "DejaVuSans_dark_28.png")));
    }

    [Fact]
    public void FindFaces_AFolder_KeepsUprightRegularToBoldFacesWithDigits()
    {
        var faces = DigitRenderer.FindFaces([Path.GetDirectoryName(DejaVuSans)!]);

        Assert.Contains(DejaVuSans, faces);
        Assert.DoesNotContain(faces, f => f.Contains("Oblique", StringComparison.Ordinal) || f.Contains("ExtraLight", StringComparison.Ordinal));
    }

    public void Dispose() => temp.Dispose();
}
