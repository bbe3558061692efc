using System.Buffers;

namespace InferenceApi.Core.Backends;

/// <summary>
/// One decoder run's tensors in pooled arrays: [batch, newTokens] ids and positions, [batch, past + newTokens]
/// mask, past keys/values [batch, heads, past, headDim] per layer in, and after the run the last position's
/// logits per row [batch, vocab] (float32 whatever the graph gives) and the presents [batch, heads, past + newTokens,
/// headDim] per layer. Keys and values are raw bytes in the model's own element type (<see cref="DecoderShape.KvElement"/>),
/// so a float16 cache is never widened. Only the leading <c>Batch × …</c> elements of each array count.
/// </summary>
public sealed class DecoderStep : IDisposable
{
    public DecoderStep(DecoderShape shape, int batch, int pastLength, int newTokens)
    {
        Shape = shape;
        Batch = batch;
        PastLength = pastLength;
        NewTokens = newTokens;
        InputIds = ArrayPool<long>.Shared.Rent(batch * newTokens);
        PositionIds = ArrayPool<long>.Shared.Rent(batch * newTokens);
        AttentionMask = ArrayPool<long>.Shared.Rent(batch * TotalLength);
        Past = new byte[shape.KvTensors.Count][];
        Present = new byte[shape.KvTensors.Count][];
        for (var i = 0; i < Past.Length; i++)
        {
            Past[i] = ArrayPool<byte>.Shared.Rent(Math.Max(1, PastBytes(i)));
            Present[i] = ArrayPool<byte>.Shared.Rent(PresentBytes(i));
        }

        LastLogits = ArrayPool<float>.Shared.Rent(batch * shape.VocabularySize);
    }

    public DecoderShape Shape { get; }

    public int Batch { get; }

    public int PastLength { get; }

    public int NewTokens { get; }

    public int TotalLength => PastLength + NewTokens;

    public long[] InputIds { get; }

    public long[] PositionIds { get; }

    public long[] AttentionMask { get; }

    /// <summary>Index 2·layer is the key, 2·layer + 1 the value; <see cref="PastBytes"/> of each count.</summary>
    public byte[][] Past { get; }

    /// <summary>Filled by the session: index 2·layer is the key, 2·layer + 1 the value; <see cref="PresentBytes"/> of each count.</summary>
    public byte[][] Present { get; }

    /// <summary>Filled by the session: the logits of each row's last position.</summary>
    public float[] LastLogits { get; }

    /// <summary>The bytes of past tensor <paramref name="tensor"/> for the whole batch.</summary>
    public int PastBytes(int tensor) => Batch * Shape.KvTensors[tensor].PositionWidth * PastLength * Shape.KvElementSize;

    /// <summary>The bytes of present tensor <paramref name="tensor"/> for the whole batch.</summary>
    public int PresentBytes(int tensor) => Batch * Shape.KvTensors[tensor].PositionWidth * TotalLength * Shape.KvElementSize;

    public void Dispose()
    {
        ArrayPool<long>.Shared.Return(InputIds);
        ArrayPool<long>.Shared.Return(PositionIds);
        ArrayPool<long>.Shared.Return(AttentionMask);
        for (var i = 0; i < Past.Length; i++)
        {
            ArrayPool<byte>.Shared.Return(Past[i]);
            ArrayPool<byte>.Shared.Return(Present[i]);
        }

        ArrayPool<float>.Shared.Return(LastLogits);
    }
}
