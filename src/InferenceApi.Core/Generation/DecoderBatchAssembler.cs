using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Generation;

/// <summary>
/// Builds one decoder step from sequences of different past and new lengths, and takes the results back.
/// Rows are right-aligned: with P the longest past and S the most new tokens, row b's past sits at
/// [P − p_b, P) and its new tokens at [P + S − s_b, P + S); the attention mask is 1 exactly there, and
/// positions continue each sequence's own count, so every row computes what it would compute alone.
/// The keys and values are the session's to place (<see cref="DecoderStep.Caches"/>); this only says where.
/// </summary>
public static class DecoderBatchAssembler
{
    public static DecoderStep Assemble(DecoderShape shape, IReadOnlyList<DecoderRow> rows, int padTokenId)
    {
        var past = 0;
        var fresh = 0;
        foreach (var row in rows)
        {
            past = Math.Max(past, shape.HasPast ? row.Cache.Length : 0);
            fresh = Math.Max(fresh, row.NewTokens.Count);
        }

        var step = new DecoderStep(shape, rows.Select(row => row.Cache).ToArray(), past, fresh);
        var total = step.TotalLength;
        for (var b = 0; b < rows.Count; b++)
        {
            var row = rows[b];
            var ownPast = shape.HasPast ? row.Cache.Length : 0;
            var padding = fresh - row.NewTokens.Count;
            step.RowPast[b] = ownPast;
            step.RowNew[b] = row.NewTokens.Count;
            for (var j = 0; j < fresh; j++)
            {
                var real = j >= padding;
                step.InputIds[(b * fresh) + j] = real ? row.NewTokens[j - padding] : padTokenId;
                step.PositionIds[(b * fresh) + j] = real ? row.FirstPosition + j - padding : 0;
            }

            var mask = step.AttentionMask.AsSpan(b * total, total);
            mask.Clear();
            mask.Slice(past - ownPast, ownPast).Fill(1);
            mask.Slice(past + padding, row.NewTokens.Count).Fill(1);
        }

        return step;
    }

    /// <summary>Counts each row's new positions into its cache: the session keeps the keys and values of the step it ran.</summary>
    public static void Absorb(DecoderStep step, IReadOnlyList<DecoderRow> rows)
    {
        if (!step.Shape.HasPast)
        {
            return;
        }

        for (var b = 0; b < rows.Count; b++)
        {
            rows[b].Cache.Extend(rows[b].NewTokens.Count);
        }
    }
}
