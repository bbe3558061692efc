using System.Buffers;

namespace InferenceApi.Core.Imaging;

/// <summary>
/// Pillow's <c>Image.resize</c> for 8-bit RGB, reproduced so tensors match the Hugging Face processors that call it:
/// NEAREST is Pillow's affine scale (cumulative stepping from the pixel centre); the other filters are
/// <c>ImagingResample</c>'s two separable passes, horizontal first, with the filter support widened by the
/// downscale factor (antialiasing), weights normalised to sum 1, converted to 22-bit fixed point, and each pass
/// rounded and clipped back to bytes.
/// </summary>
internal static class PillowResampler
{
    private const int Channels = 3;

    // Pillow's PRECISION_BITS for 8-bit images: 32 - 8 (pixel) - 2 (headroom for negative bicubic/lanczos lobes).
    private const int PrecisionBits = 32 - 8 - 2;

    public static void Resize(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, Span<byte> destination, int width, int height, ResampleFilter filter)
    {
        // Pillow returns a copy at equal size, whatever the filter.
        if (sourceWidth == width && sourceHeight == height)
        {
            source[..(width * height * Channels)].CopyTo(destination);
            return;
        }

        if (filter == ResampleFilter.Nearest)
        {
            ResizeNearest(source, sourceWidth, sourceHeight, destination, width, height);
            return;
        }

        if (sourceWidth == width)
        {
            ResampleVertical(source, width, sourceHeight, destination, height, filter);
            return;
        }

        if (sourceHeight == height)
        {
            ResampleHorizontal(source, sourceWidth, sourceHeight, destination, width, filter);
            return;
        }

        var temporary = PixelBuffers.Rent(width * sourceHeight * Channels);
        try
        {
            ResampleHorizontal(source, sourceWidth, sourceHeight, temporary, width, filter);
            ResampleVertical(temporary, width, sourceHeight, destination, height, filter);
        }
        finally
        {
            PixelBuffers.Return(temporary);
        }
    }

    private static void ResizeNearest(ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, Span<byte> destination, int width, int height)
    {
        var columns = ArrayPool<int>.Shared.Rent(width);
        try
        {
            // ImagingScaleAffine adds the step rather than multiplying, and the rounding of that sum picks the pixel.
            var stepX = (double)sourceWidth / width;
            var xo = stepX * 0.5;
            for (var x = 0; x < width; x++, xo += stepX)
            {
                columns[x] = Math.Min((int)xo, sourceWidth - 1);
            }

            var stepY = (double)sourceHeight / height;
            var yo = stepY * 0.5;
            var output = 0;
            for (var y = 0; y < height; y++, yo += stepY)
            {
                var row = source.Slice(Math.Min((int)yo, sourceHeight - 1) * sourceWidth * Channels);
                for (var x = 0; x < width; x++, output += Channels)
                {
                    var input = columns[x] * Channels;
                    destination[output] = row[input];
                    destination[output + 1] = row[input + 1];
                    destination[output + 2] = row[input + 2];
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(columns);
        }
    }

    private static void ResampleHorizontal(ReadOnlySpan<byte> source, int sourceWidth, int rows, Span<byte> destination, int width, ResampleFilter filter)
    {
        using var coefficients = Coefficients.Compute(sourceWidth, width, filter);
        var bounds = coefficients.Bounds;
        var weights = coefficients.Weights;
        var kernelSize = coefficients.KernelSize;
        var output = 0;
        for (var y = 0; y < rows; y++)
        {
            var row = source.Slice(y * sourceWidth * Channels, sourceWidth * Channels);
            for (var x = 0; x < width; x++, output += Channels)
            {
                var first = bounds[2 * x];
                var count = bounds[(2 * x) + 1];
                var k = x * kernelSize;
                int red = 1 << (PrecisionBits - 1), green = red, blue = red;
                for (var i = 0; i < count; i++)
                {
                    var weight = weights[k + i];
                    var input = (first + i) * Channels;
                    red += row[input] * weight;
                    green += row[input + 1] * weight;
                    blue += row[input + 2] * weight;
                }

                destination[output] = Clip(red);
                destination[output + 1] = Clip(green);
                destination[output + 2] = Clip(blue);
            }
        }
    }

    private static void ResampleVertical(ReadOnlySpan<byte> source, int width, int sourceHeight, Span<byte> destination, int height, ResampleFilter filter)
    {
        using var coefficients = Coefficients.Compute(sourceHeight, height, filter);
        var bounds = coefficients.Bounds;
        var weights = coefficients.Weights;
        var kernelSize = coefficients.KernelSize;
        var rowLength = width * Channels;
        var sums = ArrayPool<int>.Shared.Rent(rowLength);
        try
        {
            for (var y = 0; y < height; y++)
            {
                // Row by row rather than Pillow's pixel by pixel: integer sums do not depend on order, and this reads memory in sequence.
                var accumulator = sums.AsSpan(0, rowLength);
                accumulator.Fill(1 << (PrecisionBits - 1));
                var first = bounds[2 * y];
                var count = bounds[(2 * y) + 1];
                for (var i = 0; i < count; i++)
                {
                    var weight = weights[(y * kernelSize) + i];
                    var row = source.Slice((first + i) * rowLength, rowLength);
                    for (var j = 0; j < rowLength; j++)
                    {
                        accumulator[j] += row[j] * weight;
                    }
                }

                var output = destination.Slice(y * rowLength, rowLength);
                for (var j = 0; j < rowLength; j++)
                {
                    output[j] = Clip(accumulator[j]);
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(sums);
        }
    }

    private static byte Clip(int value) =>
        value >= (1 << PrecisionBits << 8) ? (byte)255 : value <= 0 ? (byte)0 : (byte)(value >> PrecisionBits);

    private static double Support(ResampleFilter filter) => filter switch
    {
        ResampleFilter.Box => 0.5,
        ResampleFilter.Bilinear or ResampleFilter.Hamming => 1.0,
        ResampleFilter.Bicubic => 2.0,
        ResampleFilter.Lanczos => 3.0,
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "No convolution filter for this resample mode."),
    };

    private static double Filter(ResampleFilter filter, double x)
    {
        switch (filter)
        {
            case ResampleFilter.Box:
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case ResampleFilter.Bilinear:
                x = Math.Abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            case ResampleFilter.Hamming:
                x = Math.Abs(x);
                if (x == 0.0)
                {
                    return 1.0;
                }

                if (x >= 1.0)
                {
                    return 0.0;
                }

                x *= Math.PI;
                return Math.Sin(x) / x * (0.54 + (0.46 * Math.Cos(x)));
            case ResampleFilter.Bicubic:
                // Keys' cubic with a = -0.5, written in Pillow's operation order so doubles round the same way.
                const double a = -0.5;
                x = Math.Abs(x);
                if (x < 1.0)
                {
                    return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
                }

                return x < 2.0 ? ((((x - 5) * x) + 8) * x - 4) * a : 0.0;
            case ResampleFilter.Lanczos:
                return x is >= -3.0 and < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter, "No convolution filter for this resample mode.");
        }
    }

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }

        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    /// <summary>Pillow's <c>precompute_coeffs</c> and <c>normalize_coeffs_8bpc</c> for one axis, in pooled arrays.</summary>
    private readonly struct Coefficients : IDisposable
    {
        private Coefficients(int kernelSize, int[] bounds, int[] weights)
        {
            KernelSize = kernelSize;
            Bounds = bounds;
            Weights = weights;
        }

        public int KernelSize { get; }

        /// <summary>Per output pixel: the first input pixel and how many follow.</summary>
        public int[] Bounds { get; }

        public int[] Weights { get; }

        public static Coefficients Compute(int inputSize, int outputSize, ResampleFilter filter)
        {
            var scale = (double)inputSize / outputSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = Support(filter) * filterScale;
            var kernelSize = ((int)Math.Ceiling(support) * 2) + 1;

            var bounds = ArrayPool<int>.Shared.Rent(outputSize * 2);
            var weights = ArrayPool<int>.Shared.Rent(outputSize * kernelSize);
            var raw = ArrayPool<double>.Shared.Rent(kernelSize);
            try
            {
                for (var xx = 0; xx < outputSize; xx++)
                {
                    var center = (xx + 0.5) * scale;
                    var inverse = 1.0 / filterScale;
                    var first = Math.Max((int)(center - support + 0.5), 0);
                    var count = Math.Min((int)(center + support + 0.5), inputSize) - first;
                    var total = 0.0;
                    for (var x = 0; x < count; x++)
                    {
                        var w = Filter(filter, (x + first - center + 0.5) * inverse);
                        raw[x] = w;
                        total += w;
                    }

                    var k = xx * kernelSize;
                    for (var x = 0; x < kernelSize; x++)
                    {
                        var w = x < count && total != 0.0 ? raw[x] / total : x < count ? raw[x] : 0.0;
                        weights[k + x] = w < 0
                            ? (int)(-0.5 + (w * (1 << PrecisionBits)))
                            : (int)(0.5 + (w * (1 << PrecisionBits)));
                    }

                    bounds[2 * xx] = first;
                    bounds[(2 * xx) + 1] = count;
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(raw);
            }

            return new Coefficients(kernelSize, bounds, weights);
        }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(Bounds);
            ArrayPool<int>.Shared.Return(Weights);
        }
    }
}
