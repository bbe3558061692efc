namespace InferenceApi.Core.Imaging;

/// <summary>
/// An upright RGB image: 3 bytes per pixel, interleaved, row-major, no padding. The pixels live in a pooled
/// buffer (<see cref="PixelBuffers"/>), so dispose the image once it is preprocessed.
/// </summary>
public sealed class DecodedImage : IDisposable
{
    private byte[]? _buffer;

    private DecodedImage(int width, int height, byte[] buffer)
    {
        Width = width;
        Height = height;
        _buffer = buffer;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The number of bytes in <see cref="Pixels"/>: 3 × width × height.</summary>
    public int Length => Width * Height * 3;

    public ReadOnlySpan<byte> Pixels => Buffer.AsSpan(0, Length);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(DecodedImage));

    /// <summary>Copies interleaved RGB bytes into a pooled image; for callers that already hold pixels (tensors, tests).</summary>
    public static DecodedImage FromRgb(int width, int height, ReadOnlySpan<byte> rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var length = checked(width * height * 3);
        if (rgb.Length != length)
        {
            throw new ArgumentException($"A {width}×{height} RGB image needs {length} bytes; {rgb.Length} were given.", nameof(rgb));
        }

        var image = Rent(width, height);
        rgb.CopyTo(image.Buffer);
        return image;
    }

    /// <summary>Red, green and blue at (x, y).</summary>
    public (byte R, byte G, byte B) GetPixel(int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        var offset = ((y * Width) + x) * 3;
        var buffer = Buffer;
        return (buffer[offset], buffer[offset + 1], buffer[offset + 2]);
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            PixelBuffers.Return(buffer);
        }
    }

    internal static DecodedImage Rent(int width, int height) =>
        new(width, height, PixelBuffers.Rent(checked(width * height * 3)));

    /// <summary>The writable pixels, for the decoder that fills them.</summary>
    internal Span<byte> WritablePixels => Buffer.AsSpan(0, Length);
}
