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
    private float[]?[]? _rowLogits;
    private int[]? _rowLogitsStart;

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
    /// the row there (<see cref="UseLogits"/>; valid until the session runs again), otherwise in <see cref="LastLogits"/>.
    /// The caller may modify them in place.
    /// </summary>
    public Span<float> Logits(int row) => _rowLogits?[row] is { } buffer
        ? buffer.AsSpan(_rowLogitsStart![row], Shape.VocabularySize)
        : LastLogits.AsSpan(row * Shape.VocabularySize, Shape.VocabularySize);

    /// <summary>Says row <paramref name="row"/>'s last logits sit in <paramref name="buffer"/> from <paramref name="start"/>.</summary>
    public void UseLogits(int row, float[] buffer, int start)
    {
        _rowLogits ??= new float[]?[Batch];
        _rowLogitsStart ??= new int[Batch];
        _rowLogits[row] = buffer;
        _rowLogitsStart[row] = start;
    }

    /// <summary>
    /// A step of just <paramref name="rows"/> (indexes into this one), laid out as <see cref="Generation.DecoderBatchAssembler"/>
    /// lays them out alone: a session runs a joining prompt apart from the running rows' next tokens so that those are
    /// not padded to the prompt's width. Each row's real tokens are the right end of its row here.
    /// </summary>
    public DecoderStep Subset(IReadOnlyList<int> rows)
    {
        var past = rows.Max(r => RowPast[r]);
        var fresh = rows.Max(r => RowNew[r]);
        var subset = new DecoderStep(Shape, rows.Select(r => Caches[r]).ToArray(), past, fresh);
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            subset.RowPast[i] = RowPast[r];
            subset.RowNew[i] = RowNew[r];
            var from = (r * NewTokens) + NewTokens - fresh;
            InputIds.AsSpan(from, fresh).CopyTo(subset.InputIds.AsSpan(i * fresh));
            PositionIds.AsSpan(from, fresh).CopyTo(subset.PositionIds.AsSpan(i * fresh));
            var mask = subset.AttentionMask.AsSpan(i * subset.TotalLength, subset.TotalLength);
            mask.Clear();
            mask.Slice(past - RowPast[r], RowPast[r]).Fill(1);
            mask.Slice(subset.TotalLength - RowNew[r], RowNew[r]).Fill(1);
        }

        return subset;
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
