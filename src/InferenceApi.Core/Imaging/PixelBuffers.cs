using System.Buffers;

namespace InferenceApi.Core.Imaging;

/// <summary>
/// Byte buffers for pixels: small ones from the shared pool, large ones (a full-resolution photo) allocated and left to
/// the garbage collector. The shared pool keeps arrays up to a gibibyte per core and thread, so a burst of large images
/// would otherwise hold their memory long after it; <see cref="LargeBytesSinceTrim"/> and <see cref="LargeBytesInUse"/>
/// tell a trimmer when a collection can give memory back to the system.
/// </summary>
public static class PixelBuffers
{
    /// <summary>Largest buffer taken from the pool: 4 MiB is a 1,000 × 1,000 RGBA image, larger than any model's input.</summary>
    public const int MaxPooled = 4 * 1024 * 1024;

    private static long _largeSinceTrim;
    private static long _largeInUse;

    /// <summary>Bytes allocated outside the pool since the last <see cref="MarkTrimmed"/>.</summary>
    public static long LargeBytesSinceTrim => Interlocked.Read(ref _largeSinceTrim);

    /// <summary>Bytes of buffers outside the pool rented and not yet returned.</summary>
    public static long LargeBytesInUse => Interlocked.Read(ref _largeInUse);

    public static byte[] Rent(int length)
    {
        if (length <= MaxPooled)
        {
            return ArrayPool<byte>.Shared.Rent(length);
        }

        Interlocked.Add(ref _largeSinceTrim, length);
        Interlocked.Add(ref _largeInUse, length);
        return GC.AllocateUninitializedArray<byte>(length);
    }

    public static void Return(byte[] buffer)
    {
        if (buffer.Length <= MaxPooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        else
        {
            Interlocked.Add(ref _largeInUse, -buffer.Length);
        }
    }

    /// <summary>Starts counting <see cref="LargeBytesSinceTrim"/> again, after a collection.</summary>
    public static void MarkTrimmed() => Interlocked.Exchange(ref _largeSinceTrim, 0);
}
