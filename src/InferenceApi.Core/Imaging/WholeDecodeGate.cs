namespace InferenceApi.Core.Imaging;

/// <summary>
/// Bounds how many large images are held decoded whole at once, process-wide. A whole decode holds width × height × 4
/// bytes (144 MB for 6000 × 6000), and 32 such uploads at once peaked at 2.6 GiB of RSS, which a container's memory
/// limit would answer with an OOM kill; decoding is CPU-bound, so more decodes at once than cores finish no sooner.
/// Small images pass without a slot. The wait blocks the calling thread, as the decode it waits to do would.
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

    /// <summary>A held slot (or none, for a small decode).</summary>
    public readonly struct Slot(SemaphoreSlim? slots) : IDisposable
    {
        public void Dispose() => slots?.Release();
    }
}
