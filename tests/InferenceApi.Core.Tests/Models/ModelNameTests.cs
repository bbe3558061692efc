using InferenceApi.Core.Errors;
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

    [Fact]
    public void Parse_ValidName_KeepsItAsSent()
    {
        var parsed = ModelName.Parse("tiny-bert-cls");

        Assert.True(parsed.IsSuccess);
        Assert.Equal("tiny-bert-cls", parsed.Value.Value);
        Assert.Equal(parsed.Value, ModelName.Parse("tiny-bert-cls").Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Parse_Missing_SaysTheFieldIsRequired(string? name)
    {
        var error = ModelName.Parse(name, "name").Error;

        Assert.Equal(ErrorKind.Validation, error?.Kind);
        Assert.Equal("name", error?.Field);
        Assert.StartsWith("`name` is required.", error?.Message);
    }

    [Fact]
    public void Parse_LongForbiddenName_NamesTheRuleAndShowsOnlyItsStart()
    {
        var name = "../" + new string('a', 200);

        var error = ModelName.Parse(name).Error;

        Assert.Equal("model", error?.Field);
        Assert.Contains(ModelName.Rule, error?.Message);
        var shown = Assert.IsType<string>(error?.Received);
        Assert.Equal(name[..64] + "…", shown);
        Assert.EndsWith($"Given: '{shown}'", error?.Message);
    }
}
