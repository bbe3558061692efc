using InferenceApi.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// Varies a training batch of normalised images (<see cref="ImageAugmentation"/>), as the images people send vary:
/// the drawing is redrawn at 4× resolution (thicker or thinner strokes), moved, zoomed, turned and blurred there,
/// then brought back to the model's size the way the server's resize does (area or Pillow's bilinear triangle);
/// then ink contrast, noise and polarity change. The model averages channels, so the result is one grey channel.
/// Random draws come from torch's generator, which <c>train</c> seeds.
/// </summary>
public sealed class ImageAugmenter(ImageAugmentation settings, float mean = 0.5f, float std = 0.5f)
{
    private const int Upsampling = 4;

    /// <summary>Pillow's bilinear filter reducing by 4: a triangle two output pixels wide, 8 taps (sums to 1).</summary>
    private static readonly float[] Triangle = [.. new[] { 1f, 3, 5, 7, 7, 5, 3, 1 }.Select(w => w / 32)];

    public ImageAugmentation Settings { get; } = settings;

    /// <summary>[batch, channels, H, W] normalised pixels in, [batch, 1, H, W] augmented normalised pixels out.</summary>
    public Tensor Apply(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var batch = pixels.shape[0];
        var height = pixels.shape[2];
        var width = pixels.shape[3];
        var ink = TensorMath.Add(pixels.mean([1L], keepdim: true) * std, mean).clamp(0, 1);
        if (Settings.Resamples)
        {
            ink = Resample(ink, batch, height, width);
        }

        if (Settings.ContrastMin < 1)
        {
            var contrast = Uniform(batch, Settings.ContrastMin, 1);
            var background = rand(batch, 1, 1, 1) * TensorMath.Subtract(1, contrast);
            ink = TensorMath.Add(background, contrast * ink);
        }

        if (Settings.Noise > 0)
        {
            ink = TensorMath.Add(ink, randn_like(ink) * Settings.Noise).clamp(0, 1);
        }

        if (Settings.Invert > 0)
        {
            var flip = (rand(batch, 1, 1, 1) < Settings.Invert).to_type(ScalarType.Float32);
            ink = TensorMath.Add(flip * TensorMath.Subtract(1, ink), TensorMath.Subtract(1, flip) * ink);
        }

        return (TensorMath.Add(ink, -mean) / std).MoveToOuterDisposeScope();
    }

    private Tensor Resample(Tensor ink, long batch, long height, long width)
    {
        var fine = nn.functional.interpolate(ink, [height * Upsampling, width * Upsampling], mode: InterpolationMode.Bilinear, align_corners: false);
        if (Settings.Stroke > 0)
        {
            // A steep sigmoid around a per-image level: a pen of another width tracing the same centre lines.
            var level = Uniform(batch, 0.5 - Settings.Stroke, 0.5 + Settings.Stroke);
            fine = sigmoid(TensorMath.Subtract(fine, level) * 12);
        }

        fine = nn.functional.grid_sample(fine, nn.functional.affine_grid(Affine(batch), [batch, 1, fine.shape[2], fine.shape[3]], align_corners: false),
            mode: GridSampleMode.Bilinear, padding_mode: GridSamplePaddingMode.Zeros, align_corners: false);
        if (Settings.Blur > 0)
        {
            fine = Blur(fine, Uniform(batch, 0, Settings.Blur * Upsampling));
        }

        // Half the batches as a box average (a small drawing), half as the server's bilinear reduction of a large one.
        return rand(1).item<float>() < 0.5f
            ? nn.functional.avg_pool2d(fine, [Upsampling, Upsampling])
            : nn.functional.conv2d(fine, TriangleKernel(), strides: [Upsampling, Upsampling], padding: [Upsampling / 2, Upsampling / 2]);
    }

    /// <summary>Per-image output→input sampling matrices: rotation times zoom (dividing the coordinates, x narrowed further), and shift.</summary>
    private Tensor Affine(long batch)
    {
        var angle = Uniform(batch, -Settings.Rotate, Settings.Rotate).flatten() * (Math.PI / 180);
        var zoomY = Uniform(batch, Settings.ScaleMin, Settings.ScaleMax).flatten();
        var zoomX = zoomY * Uniform(batch, 1 - Settings.Squeeze, 1).flatten();
        var dx = Uniform(batch, -Settings.Shift, Settings.Shift).flatten() * 2;
        var dy = Uniform(batch, -Settings.Shift, Settings.Shift).flatten() * 2;
        var (cos, sin) = (angle.cos(), angle.sin());
        return stack([cos / zoomX, -sin / zoomY, dx, sin / zoomX, cos / zoomY, dy], 1).reshape(batch, 2, 3);
    }

    /// <summary>A Gaussian blur with its own sigma per image (a grouped convolution); sigma 0 leaves the image as it is.</summary>
    private static Tensor Blur(Tensor images, Tensor sigma)
    {
        var batch = images.shape[0];
        var radius = (long)Math.Ceiling(3 * sigma.max().item<float>());
        if (radius == 0)
        {
            return images;
        }

        var offsets = arange(-radius, radius + 1, dtype: ScalarType.Float32).reshape(1, -1);
        var weights = exp(-(offsets * offsets) / (2 * sigma.reshape(batch, 1).clamp_min(1e-3).pow(2)));
        weights /= weights.sum(1, keepdim: true);
        var kernels = (weights.unsqueeze(2) * weights.unsqueeze(1)).unsqueeze(1);
        var grouped = images.reshape(1, batch, images.shape[2], images.shape[3]);
        var blurred = nn.functional.conv2d(nn.functional.pad(grouped, [radius, radius, radius, radius], PaddingModes.Replicate), kernels, groups: batch);
        return blurred.reshape(images.shape);
    }

    private static Tensor TriangleKernel()
    {
        var line = tensor(Triangle);
        return (line.unsqueeze(1) * line.unsqueeze(0)).reshape(1, 1, Triangle.Length, Triangle.Length);
    }

    /// <summary>[batch, 1, 1, 1] values drawn uniformly from [low, high].</summary>
    private static Tensor Uniform(long batch, double low, double high) => TensorMath.Add(rand(batch, 1, 1, 1) * (high - low), low);
}
