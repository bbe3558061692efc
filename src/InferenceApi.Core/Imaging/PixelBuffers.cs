using System.Buffers;

namespace InferenceApi.Core.Imaging;

/// <summary>
/// Byte buffers for pixels: small ones from the shared pool, large ones (a full-resolution photo) allocated and left to
/// the garbage collector. The shared pool keeps arrays up to a gibibyte per core and thread, so a burst of large images
/// would otherwise hold their memory long after it; <see cref="TakeLargeBytes"/> tells a trimmer when a collection
/// can give memory back to the system.
/// </summary>
public static class PixelBuffers
{
    /// <summary>Largest buffer taken from the pool: 4 MiB is a 1,000 × 1,000 RGBA image, larger than any model's input.</summary>
    public const int MaxPooled = 4 * 1024 * 1024;

    private static long _largeBytes;

    public static byte[] Rent(int length)
    {
        if (length <= MaxPooled)
        {
            return ArrayPool<byte>.Shared.Rent(length);
        }

        Interlocked.Add(ref _largeBytes, length);
        return GC.AllocateUninitializedArray<byte>(length);
    }

    public static void Return(byte[] buffer)
    {
        if (buffer.Length <= MaxPooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Bytes allocated outside the pool since the last call.</summary>
    public static long TakeLargeBytes() => Interlocked.Exchange(ref _largeBytes, 0);
}
