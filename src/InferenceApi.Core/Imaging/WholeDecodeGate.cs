namespace InferenceApi.Core.Imaging;

/// <summary>
/// Bounds how many large images are decoded whole at once, process-wide: a full-resolution decode, and the whole decode a
/// PNG or GIF needs before it is reduced. Each holds width × height × 4 bytes (144 MB for 6000 × 6000), and 32 such
/// uploads at once peaked at 4.6 GiB of RSS, which a container's memory limit answers with an OOM kill. One slot per
/// core keeps those buffers to about cores × the largest image the limits admit (<c>Api:MaxImagePixels</c> × 4), and
/// costs no throughput: decoding is CPU-bound, so more decodes at once than cores finish no sooner. Small images pass
/// without a slot. The wait blocks the calling thread, as the decode it waits to do would, and is not cancelled when the
/// client leaves: the decode that follows is not either.
/// </summary>
internal sealed class WholeDecodeGate(int slots)
{
    /// <summary>Whole decodes this large or larger (bytes of RGBA) take a slot: 16 MiB, a 2048 × 2048 image.</summary>
    public const long LargeBytes = 16L << 20;

    private readonly SemaphoreSlim _slots = new(slots, slots);

    /// <summary>The gate every decode of the process goes through: one slot per core.</summary>
    public static WholeDecodeGate Shared { get; } = new(Environment.ProcessorCount);

    /// <summary>Slots free now.</summary>
    public int Free => _slots.CurrentCount;

    /// <summary>Waits for a slot when a decode of <paramref name="bytes"/> is large; dispose the slot when the buffer is given back.</summary>
    public Slot Enter(long bytes)
    {
        if (bytes < LargeBytes)
        {
            return default;
        }

        _slots.Wait();
        return new Slot(_slots);
    }

    /// <summary>A held slot (or none, for a small decode); dispose it once.</summary>
    public readonly struct Slot(SemaphoreSlim? slots) : IDisposable
    {
        public void Dispose() => slots?.Release();
    }
}
