using System.Buffers;

namespace InferenceApi.Core.Backends;

/// <summary>
/// A float output tensor copied into a pooled array: [batch, labels] for logits or
/// [batch, sequence, hidden] for hidden states. Dispose returns the array to the pool.
/// </summary>
public sealed class EncoderOutput : IDisposable
{
    private float[]? _buffer;

    public EncoderOutput(IReadOnlyList<long> shape)
    {
        Shape = shape;
        long count = 1;
        foreach (var dim in shape)
        {
            count *= dim;
        }

        Length = checked((int)count);
        _buffer = ArrayPool<float>.Shared.Rent(Length);
    }

    public IReadOnlyList<long> Shape { get; }

    public int Length { get; }

    public Span<float> Data => (_buffer ?? throw new ObjectDisposedException(nameof(EncoderOutput))).AsSpan(0, Length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
