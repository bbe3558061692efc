using System.Buffers;
using InferenceApi.Core.Generation;

namespace InferenceApi.Core.Backends;

/// <summary>
/// One decoder run's inputs in pooled arrays: [batch, newTokens] ids and positions, [batch, past + newTokens] mask,
/// and for each row its sequence's cache (<see cref="Caches"/>), how many positions that cache held
/// (<see cref="RowPast"/>) and how many real new tokens the row feeds (<see cref="RowNew"/>). The keys and values are
/// not here: the session keeps them between steps, laid out as the mask says (row b's past right-aligned in
/// [0, past), its new tokens in [past + newTokens − RowNew[b], past + newTokens)). After the run, <see cref="Logits"/>
/// gives each row's last-position logits in float32 whatever the graph gives. Only the leading <c>Batch × …</c>
/// elements of each array count.
/// </summary>
public sealed class DecoderStep : IDisposable
{
    private float[]? _scratch;
    private float[]? _logits;
    private int _logitsStart;
    private int _logitsStride;

    public DecoderStep(DecoderShape shape, IReadOnlyList<SequenceCache> caches, int pastLength, int newTokens)
    {
        Shape = shape;
        Caches = caches;
        Batch = caches.Count;
        PastLength = pastLength;
        NewTokens = newTokens;
        RowPast = new int[Batch];
        RowNew = new int[Batch];
        InputIds = ArrayPool<long>.Shared.Rent(Batch * newTokens);
        PositionIds = ArrayPool<long>.Shared.Rent(Batch * newTokens);
        AttentionMask = ArrayPool<long>.Shared.Rent(Batch * TotalLength);
    }

    public DecoderShape Shape { get; }

    public int Batch { get; }

    public int PastLength { get; }

    public int NewTokens { get; }

    public int TotalLength => PastLength + NewTokens;

    /// <summary>Each row's sequence cache: the identity the session finds the row's keys and values by.</summary>
    public IReadOnlyList<SequenceCache> Caches { get; }

    /// <summary>Positions each row's cache held when the step was built (its own past).</summary>
    public int[] RowPast { get; }

    /// <summary>Real (unpadded) new tokens of each row.</summary>
    public int[] RowNew { get; }

    public long[] InputIds { get; }

    public long[] PositionIds { get; }

    public long[] AttentionMask { get; }

    /// <summary>A [batch, vocab] scratch the session fills when the graph's logits are not float32 (or a test session writes).</summary>
    public float[] LastLogits => _scratch ??= ArrayPool<float>.Shared.Rent(Batch * Shape.VocabularySize);

    /// <summary>
    /// Row <paramref name="row"/>'s last-position logits after the run: in the session's own output buffer when it points
    /// the step there (<see cref="UseLogits"/>; valid until the session runs again), otherwise in <see cref="LastLogits"/>.
    /// The caller may modify them in place.
    /// </summary>
    public Span<float> Logits(int row) => _logits is { } buffer
        ? buffer.AsSpan(_logitsStart + (row * _logitsStride), Shape.VocabularySize)
        : LastLogits.AsSpan(row * Shape.VocabularySize, Shape.VocabularySize);

    /// <summary>Says the rows' last logits sit in <paramref name="buffer"/>, row b's at <paramref name="start"/> + b × <paramref name="rowStride"/>.</summary>
    public void UseLogits(float[] buffer, int start, int rowStride)
    {
        _logits = buffer;
        _logitsStart = start;
        _logitsStride = rowStride;
    }

    public void Dispose()
    {
        ArrayPool<long>.Shared.Return(InputIds);
        ArrayPool<long>.Shared.Return(PositionIds);
        ArrayPool<long>.Shared.Return(AttentionMask);
        if (_scratch is not null)
        {
            ArrayPool<float>.Shared.Return(_scratch);
        }
    }
}
