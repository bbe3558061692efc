using System.Buffers;

namespace InferenceApi.Core.Backends;

/// <summary>
/// A padded batch of token sequences in row-major [batch, sequence] layout, in pooled arrays
/// (longer than needed: only the first <see cref="Size"/> × <see cref="SequenceLength"/> values count).
/// Token type ids are present only when the model takes them.
/// </summary>
public sealed class EncoderBatch : IDisposable
{
    private EncoderBatch(int size, int sequenceLength, bool withTokenTypes)
    {
        Size = size;
        SequenceLength = sequenceLength;
        var count = size * sequenceLength;
        InputIds = ArrayPool<long>.Shared.Rent(count);
        AttentionMask = ArrayPool<long>.Shared.Rent(count);
        TokenTypeIds = withTokenTypes ? ArrayPool<long>.Shared.Rent(count) : null;
    }

    public int Size { get; }

    public int SequenceLength { get; }

    public int Count => Size * SequenceLength;

    public long[] InputIds { get; }

    public long[] AttentionMask { get; }

    public long[]? TokenTypeIds { get; }

    /// <summary>Pads each sequence on the right to the longest one with <paramref name="padId"/> and a 0 mask.</summary>
    public static EncoderBatch Pack(IReadOnlyList<int[]> sequences, int padId, bool withTokenTypes)
    {
        var longest = 0;
        for (var i = 0; i < sequences.Count; i++)
        {
            longest = Math.Max(longest, sequences[i].Length);
        }

        var batch = new EncoderBatch(sequences.Count, longest, withTokenTypes);
        for (var row = 0; row < sequences.Count; row++)
        {
            var ids = sequences[row];
            var offset = row * longest;
            for (var col = 0; col < longest; col++)
            {
                var real = col < ids.Length;
                batch.InputIds[offset + col] = real ? ids[col] : padId;
                batch.AttentionMask[offset + col] = real ? 1 : 0;
            }
        }

        if (batch.TokenTypeIds is { } types)
        {
            // Single-segment inputs: every position belongs to segment 0.
            Array.Clear(types, 0, batch.Count);
        }

        return batch;
    }

    public void Dispose()
    {
        ArrayPool<long>.Shared.Return(InputIds);
        ArrayPool<long>.Shared.Return(AttentionMask);
        if (TokenTypeIds is { } types)
        {
            ArrayPool<long>.Shared.Return(types);
        }
    }
}
