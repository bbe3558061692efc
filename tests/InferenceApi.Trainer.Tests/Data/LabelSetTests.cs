using InferenceApi.Trainer.Data;

namespace InferenceApi.Trainer.Tests.Data;

public sealed class LabelSetTests
{
    [Fact]
    public void FromValues_Integers_SortNumerically()
    {
        var labels = LabelSet.FromValues(["10", "2", "0", "2"]);

        Assert.Equal(["0", "2", "10"], labels.Names);
        Assert.Equal(2, labels.IndexOf("10", "here"));
    }

    [Fact]
    public void FromValues_Names_SortOrdinally()
    {
        Assert.Equal(["negative", "neutral", "positive"], LabelSet.FromValues(["positive", "negative", "neutral"]).Names);
    }

    [Fact]
    public void IndexOf_IntegerWithNamedLabels_IsTheIndex()
    {
        var labels = LabelSet.Parse("negative, positive");

        Assert.Equal(1, labels.IndexOf("1", "here"));
        Assert.Equal(0, labels.IndexOf("negative", "here"));
    }

    [Fact]
    public void IndexOf_IntegerWhenNamesAreIntegers_MustBeAName()
    {
        var labels = LabelSet.FromValues(["1", "5"]);

        var error = Assert.Throws<InvalidDataException>(() => labels.IndexOf("0", "file.csv:7"));

        Assert.Equal("file.csv:7: unknown label '0'; expected one of 1, 5", error.Message);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a,a")]
    [InlineData("a,,b")]
    public void Parse_TooFewDuplicateOrEmptyNames_IsAUsageError(string text)
    {
        Assert.Throws<UsageException>(() => LabelSet.Parse(text));
    }
}
