using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Models;

public sealed class ModelNameTests
{
    [Theory]
    [InlineData("bert")]
    [InlineData("tiny-bert-cls")]
    [InlineData("distilbert_base.v2")]
    [InlineData("7b")]
    [InlineData("a.b")]
    [InlineData("A")]
    public void IsValid_AllowedName_True(string name)
    {
        Assert.True(ModelName.IsValid(name));
    }

    [Fact]
    public void IsValid_MaxLength_True()
    {
        Assert.True(ModelName.IsValid(new string('a', ModelName.MaxLength)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a..b")]
    [InlineData("/")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("%2e%2e")]
    [InlineData("-bert")]
    [InlineData("_bert")]
    [InlineData(".hidden")]
    [InlineData("bert base")]
    [InlineData("bért")]
    [InlineData("bert\n")]
    [InlineData("bert\r\n")]
    [InlineData("bert\0")]
    public void IsValid_ForbiddenName_False(string? name)
    {
        Assert.False(ModelName.IsValid(name));
    }

    [Fact]
    public void IsValid_OneOverMaxLength_False()
    {
        Assert.False(ModelName.IsValid(new string('a', 129)));
    }
}
