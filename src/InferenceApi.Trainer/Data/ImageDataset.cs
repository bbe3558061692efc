using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Data;

/// <summary>
/// Labelled images as the model sees them: float pixels already rescaled and normalised, channels-first,
/// <see cref="Channels"/>×<see cref="Height"/>×<see cref="Width"/> per example.
/// </summary>
public sealed class ImageDataset : IExampleSet<ImageDataset>
{
    public ImageDataset(float[] pixels, int[] labels, int channels, int height, int width)
    {
        if (pixels.Length != labels.Length * channels * height * width)
        {
            throw new ArgumentException($"{labels.Length} images of {channels}×{height}×{width} need {labels.Length * channels * height * width} floats; got {pixels.Length}", nameof(pixels));
        }

        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
    }

    public float[] Pixels { get; }

    public int[] Labels { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public int PixelsPerImage => Channels * Height * Width;

    public int Count => Labels.Length;

    public ImageDataset Subset(IReadOnlyList<int> indices)
    {
        var size = PixelsPerImage;
        var pixels = new float[indices.Count * size];
        var labels = new int[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Array.Copy(Pixels, indices[i] * size, pixels, i * size, size);
            labels[i] = Labels[indices[i]];
        }

        return new ImageDataset(pixels, labels, Channels, Height, Width);
    }

    /// <summary>These images followed by <paramref name="other"/>'s, which must have the same shape.</summary>
    public ImageDataset Concat(ImageDataset other) =>
        (other.Channels, other.Height, other.Width) == (Channels, Height, Width)
            ? new ImageDataset([.. Pixels, .. other.Pixels], [.. Labels, .. other.Labels], Channels, Height, Width)
            : throw new ArgumentException($"images of {other.Channels}×{other.Height}×{other.Width} cannot join images of {Channels}×{Height}×{Width}", nameof(other));

    /// <summary>
    /// The channels averaged into one, as the ViT's first step does; a one-channel set is returned as it is. Lets
    /// decoded RGB images join the one-channel digits CSV.
    /// </summary>
    public ImageDataset Grey()
    {
        if (Channels == 1)
        {
            return this;
        }

        var plane = Height * Width;
        var grey = new float[Count * plane];
        for (var i = 0; i < Count; i++)
        {
            for (var p = 0; p < plane; p++)
            {
                var sum = 0f;
                for (var c = 0; c < Channels; c++)
                {
                    sum += Pixels[(((i * Channels) + c) * plane) + p];
                }

                grey[(i * plane) + p] = sum / Channels;
            }
        }

        return new ImageDataset(grey, Labels, 1, Height, Width);
    }

    /// <summary>Holds out <paramref name="holdOutFraction"/> of every label (see <see cref="DataSplits.Stratified"/>).</summary>
    public (ImageDataset Train, ImageDataset HoldOut) StratifiedSplit(double holdOutFraction, int seed)
    {
        var (train, holdOut) = DataSplits.Stratified(Labels, holdOutFraction, seed);
        return (Subset(train), Subset(holdOut));
    }

    /// <summary>Pixels as [n, channels, height, width] and labels as int64 [n].</summary>
    public (Tensor Pixels, Tensor Labels) ToTensors() =>
        (tensor(Pixels, [Count, Channels, Height, Width]), tensor(Labels.Select(l => (long)l).ToArray(), ScalarType.Int64));

    /// <summary>The images replicated or kept to 3 channels, as the server feeds them (for export parity checks).</summary>
    public float[] ToRgb(int count)
    {
        var plane = Height * Width;
        var rgb = new float[count * 3 * plane];
        for (var i = 0; i < count; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                Array.Copy(Pixels, ((i * Channels) + Math.Min(c, Channels - 1)) * plane, rgb, ((i * 3) + c) * plane, plane);
            }
        }

        return rgb;
    }
}
