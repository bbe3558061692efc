using System.Buffers;
using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Tests.Backends;

public sealed class EncoderBatchTests
{
    private const int PadId = 99;

    [Fact]
    public void Pack_SequencesOfDifferentLengths_PadsOnTheRightToTheLongest()
    {
        using var batch = EncoderBatch.Pack([[101, 7, 102], [101, 102], [5]], PadId, withTokenTypes: false);

        Assert.Equal(3, batch.Size);
        Assert.Equal(3, batch.SequenceLength);
        Assert.Equal(9, batch.Count);
        Assert.Equal([101, 7, 102, 101, 102, PadId, 5, PadId, PadId], batch.InputIds.AsSpan(0, batch.Count).ToArray());
    }

    [Fact]
    public void Pack_SequencesOfDifferentLengths_MaskIsOneForTokensAndZeroForPadding()
    {
        DirtyThePool(6);

        using var batch = EncoderBatch.Pack([[1, 2, 3], [4]], PadId, withTokenTypes: false);

        Assert.Equal([1, 1, 1, 1, 0, 0], batch.AttentionMask.AsSpan(0, batch.Count).ToArray());
    }

    [Fact]
    public void Pack_WithTokenTypes_TokenTypeIdsAreAllZero()
    {
        // Rented arrays may hold a previous batch's values; the pack must not leak them.
        DirtyThePool(6);

        using var batch = EncoderBatch.Pack([[1, 2, 3], [4]], PadId, withTokenTypes: true);

        Assert.NotNull(batch.TokenTypeIds);
        Assert.Equal(new long[6], batch.TokenTypeIds.AsSpan(0, batch.Count).ToArray());
    }

    [Fact]
    public void Pack_WithoutTokenTypes_TokenTypeIdsAreNull()
    {
        using var batch = EncoderBatch.Pack([[1, 2]], PadId, withTokenTypes: false);

        Assert.Null(batch.TokenTypeIds);
    }

    [Fact]
    public void Pack_EqualLengths_NoPaddingAndFullMask()
    {
        using var batch = EncoderBatch.Pack([[1, 2], [3, 4]], PadId, withTokenTypes: false);

        Assert.Equal([1, 2, 3, 4], batch.InputIds.AsSpan(0, batch.Count).ToArray());
        Assert.Equal([1, 1, 1, 1], batch.AttentionMask.AsSpan(0, batch.Count).ToArray());
    }

    private static void DirtyThePool(int length)
    {
        var rented = Enumerable.Range(0, 3).Select(_ => ArrayPool<long>.Shared.Rent(length)).ToArray();
        foreach (var array in rented)
        {
            Array.Fill(array, 7);
            ArrayPool<long>.Shared.Return(array);
        }
    }
}
