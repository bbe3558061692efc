namespace InferenceApi.Core.Imaging;

/// <summary>
/// Turns a decoded image into the channels-first float32 [3, H, W] tensor a Hugging Face image processor would
/// produce: resize (Pillow-compatible, on bytes), centre crop, rescale, normalise, in that order. Create one per
/// model; it is immutable and thread-safe.
/// </summary>
public sealed class ImagePreprocessor
{
    private const int Channels = 3;

    // Rescale and normalise depend only on the channel and the byte, so all 768 results are computed once.
    private readonly float[] _values = new float[Channels * 256];

    public ImagePreprocessor(PreprocessorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var fixedSize = config.DoCenterCrop ? config.CropSize is { IsExact: true } : config.DoResize && config.Size.IsExact;
        if (!fixedSize)
        {
            throw new ArgumentException("The config must fix the output size: an exact size with do_resize, or an exact crop_size with do_center_crop.", nameof(config));
        }

        if (config.ImageMean.Count != Channels || config.ImageStd.Count != Channels)
        {
            throw new ArgumentException("image_mean and image_std need one value per RGB channel.", nameof(config));
        }

        Config = config;
        OutputHeight = config.OutputHeight;
        OutputWidth = config.OutputWidth;
        for (var channel = 0; channel < Channels; channel++)
        {
            for (var value = 0; value < 256; value++)
            {
                _values[(channel * 256) + value] = Transform(value, channel);
            }
        }
    }

    public PreprocessorConfig Config { get; }

    public int OutputHeight { get; }

    public int OutputWidth { get; }

    /// <summary>Floats per image: 3 × <see cref="OutputHeight"/> × <see cref="OutputWidth"/>.</summary>
    public int OutputLength => Channels * OutputHeight * OutputWidth;

    /// <summary>Writes <see cref="OutputLength"/> floats, channel planes R, G, B, each row-major.</summary>
    public void Process(DecodedImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (destination.Length < OutputLength)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; a {OutputHeight}×{OutputWidth} image needs {OutputLength}.", nameof(destination));
        }

        var (height, width) = Config.DoResize ? Config.Size.ResizeTarget(image.Height, image.Width) : (image.Height, image.Width);
        byte[]? resized = null;
        try
        {
            ReadOnlySpan<byte> pixels = image.Pixels;
            if (height != image.Height || width != image.Width)
            {
                resized = PixelBuffers.Rent(height * width * Channels);
                PillowResampler.Resize(pixels, image.Width, image.Height, resized, width, height, Config.Resample);
                pixels = resized.AsSpan(0, height * width * Channels);
            }

            // transformers' center_crop: floor division, so a negative margin (crop larger than the image) pads with zeros.
            var top = Config.DoCenterCrop ? FloorHalf(height - OutputHeight) : 0;
            var left = Config.DoCenterCrop ? FloorHalf(width - OutputWidth) : 0;
            Write(pixels, height, width, top, left, destination);
        }
        finally
        {
            if (resized is not null)
            {
                PixelBuffers.Return(resized);
            }
        }
    }

    private void Write(ReadOnlySpan<byte> pixels, int height, int width, int top, int left, Span<float> destination)
    {
        var plane = OutputHeight * OutputWidth;
        var values = _values.AsSpan();
        for (var y = 0; y < OutputHeight; y++)
        {
            var sourceY = y + top;
            var rowInside = sourceY >= 0 && sourceY < height;
            for (var x = 0; x < OutputWidth; x++)
            {
                var sourceX = x + left;
                var output = (y * OutputWidth) + x;
                if (rowInside && sourceX >= 0 && sourceX < width)
                {
                    var input = ((sourceY * width) + sourceX) * Channels;
                    destination[output] = values[pixels[input]];
                    destination[plane + output] = values[256 + pixels[input + 1]];
                    destination[(2 * plane) + output] = values[512 + pixels[input + 2]];
                }
                else
                {
                    destination[output] = values[0];
                    destination[plane + output] = values[256];
                    destination[(2 * plane) + output] = values[512];
                }
            }
        }
    }

    /// <summary>
    /// transformers' arithmetic, step for step: rescale in float64 then narrow to float32 (<c>rescale</c>), then
    /// subtract and divide in float32 (<c>normalize</c> casts mean and std to the image's dtype).
    /// </summary>
    private float Transform(int value, int channel)
    {
        var result = Config.DoRescale ? (float)(value * Config.RescaleFactor) : value;
        if (Config.DoNormalize)
        {
            result = (result - Config.ImageMean[channel]) / Config.ImageStd[channel];
        }

        return result;
    }

    private static int FloorHalf(int value) => value >= 0 ? value / 2 : -((-value + 1) / 2);
}
