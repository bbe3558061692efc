using InferenceApi.Core.Inference;

namespace InferenceApi.Core.Tests.Inference;

public sealed class PoolingTests
{
    [Fact]
    public void MeanPool_PaddedPositions_AreLeftOutOfTheAverage()
    {
        // Three positions of hidden size 2; the last is padding with values that would skew the mean.
        float[] hidden = [1, 2, 3, 4, 100, 200];

        var pooled = Pooling.MeanPool(hidden, [1, 1, 0], sequenceLength: 3, hiddenSize: 2);

        Assert.Equal([2f, 3f], pooled);
    }

    [Fact]
    public void MeanPool_SameTokensAloneAndPadded_GiveTheSameVector()
    {
        float[] alone = [0.5f, -1f, 2f, 4f];
        float[] padded = [0.5f, -1f, 2f, 4f, 9f, 9f, -9f, 3f];

        var a = Pooling.MeanPool(alone, [1, 1], sequenceLength: 2, hiddenSize: 2);
        var b = Pooling.MeanPool(padded, [1, 1, 0, 0], sequenceLength: 4, hiddenSize: 2);

        Assert.Equal(a, b);
        Assert.Equal([1.25f, 1.5f], a);
    }

    [Fact]
    public void MeanPool_NoRealTokens_GivesZeroVector()
    {
        var pooled = Pooling.MeanPool([5, 6], [0], sequenceLength: 1, hiddenSize: 2);

        Assert.Equal([0f, 0f], pooled);
    }

    [Fact]
    public void L2Normalize_Vector_HasUnitNormAndSameDirection()
    {
        float[] vector = [3, 4];

        var normalized = Pooling.L2Normalize(vector);

        Assert.Equal(0.6f, normalized[0], 6);
        Assert.Equal(0.8f, normalized[1], 6);
        Assert.Equal(1.0, Math.Sqrt(normalized.Sum(v => (double)v * v)), 6);
        Assert.Equal([3f, 4f], vector);
    }

    [Fact]
    public void L2Normalize_ZeroVector_StaysZero()
    {
        var normalized = Pooling.L2Normalize([0, 0, 0]);

        Assert.Equal([0f, 0f, 0f], normalized);
        Assert.DoesNotContain(normalized, float.IsNaN);
    }

    [Fact]
    public void Softmax_Logits_SumToOneInOrder()
    {
        var scores = Pooling.Softmax([1, 2, 3]);

        Assert.Equal(1.0, scores.Sum(s => (double)s), 5);
        Assert.Equal(0.09003057f, scores[0], 5);
        Assert.Equal(0.24472847f, scores[1], 5);
        Assert.Equal(0.66524096f, scores[2], 5);
    }

    [Fact]
    public void Softmax_LargeLogits_StayFiniteAndExact()
    {
        var scores = Pooling.Softmax([1000, 1001]);

        Assert.All(scores, s => Assert.True(float.IsFinite(s)));
        Assert.Equal(1 / (1 + Math.E), scores[0], 5);
        Assert.Equal(Math.E / (1 + Math.E), scores[1], 5);
        Assert.Equal(1.0, scores.Sum(s => (double)s), 5);
    }

    [Fact]
    public void Softmax_VeryNegativeLogits_StayFinite()
    {
        var scores = Pooling.Softmax([-1000, -1000]);

        Assert.Equal([0.5f, 0.5f], scores);
    }
}
