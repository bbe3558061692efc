using InferenceApi.Core.Inference;

namespace InferenceApi.Core.Tests.Inference;

public sealed class ClassificationTests
{
    private static readonly string[] Labels = ["negative", "positive", "neutral"];

    [Fact]
    public void Rank_Logits_OrdersLabelsByScoreHighestFirst()
    {
        var ranked = Classification.Rank([1f, 3f, 2f], Labels, topK: null);

        Assert.Equal(["positive", "neutral", "negative"], ranked.Select(r => r.Label));
        Assert.Equal(1.0, ranked.Sum(r => (double)r.Score), 5);
        Assert.Equal(0.66524096f, ranked[0].Score, 5);
    }

    [Fact]
    public void Rank_TopK_KeepsOnlyTheBestK()
    {
        var ranked = Classification.Rank([1f, 3f, 2f], Labels, topK: 2);

        Assert.Equal(["positive", "neutral"], ranked.Select(r => r.Label));
    }

    [Fact]
    public void Rank_TopKAboveLabelCount_ReturnsEveryLabel()
    {
        var ranked = Classification.Rank([1f, 3f, 2f], Labels, topK: 10);

        Assert.Equal(3, ranked.Count);
    }

    [Theory]
    [InlineData(new[] { 2f, 2f, 1f }, new[] { "a", "b", "c" })]
    [InlineData(new[] { 1f, 2f, 2f }, new[] { "b", "c", "a" })]
    [InlineData(new[] { 5f, 5f, 5f }, new[] { "a", "b", "c" })]
    public void Rank_EqualScores_KeepLabelOrder(float[] logits, string[] expected)
    {
        var ranked = Classification.Rank(logits, ["a", "b", "c"], topK: null);

        Assert.Equal(expected, ranked.Select(r => r.Label));
    }

    [Fact]
    public void Rank_TieAtTheTopKBoundary_KeepsTheEarlierLabel()
    {
        var ranked = Classification.Rank([0f, 4f, 4f], ["a", "b", "c"], topK: 1);

        Assert.Equal("b", Assert.Single(ranked).Label);
    }
}
