using System.Buffers;

namespace InferenceApi.Core.Backends;

/// <summary>
/// One decoder run's tensors in pooled arrays: [batch, newTokens] ids and positions, [batch, past + newTokens]
/// mask, past keys/values [batch, heads, past, headDim] per layer in, and after the run the last position's
/// logits per row [batch, vocab] and the presents [batch, heads, past + newTokens, headDim] per layer.
/// Only the leading <c>Batch × …</c> elements of each array count.
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
        Past = new float[shape.Layers * 2][];
        Present = new float[shape.Layers * 2][];
        for (var i = 0; i < Past.Length; i++)
        {
            Past[i] = ArrayPool<float>.Shared.Rent(Math.Max(1, batch * shape.PositionWidth * pastLength));
            Present[i] = ArrayPool<float>.Shared.Rent(batch * shape.PositionWidth * TotalLength);
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

    /// <summary>Index 2·layer is the key, 2·layer + 1 the value.</summary>
    public float[][] Past { get; }

    /// <summary>Filled by the session: index 2·layer is the key, 2·layer + 1 the value.</summary>
    public float[][] Present { get; }

    /// <summary>Filled by the session: the logits of each row's last position.</summary>
    public float[] LastLogits { get; }

    public void Dispose()
    {
        ArrayPool<long>.Shared.Return(InputIds);
        ArrayPool<long>.Shared.Return(PositionIds);
        ArrayPool<long>.Shared.Return(AttentionMask);
        for (var i = 0; i < Past.Length; i++)
        {
            ArrayPool<float>.Shared.Return(Past[i]);
            ArrayPool<float>.Shared.Return(Present[i]);
        }

        ArrayPool<float>.Shared.Return(LastLogits);
    }
}
