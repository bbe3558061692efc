using InferenceApi.Core.Generation;
using InferenceApi.Core.Models;

namespace InferenceApi.Core.Tests.Generation;

/// <summary><c>generation_config.json</c> as models ship it: end-of-sequence ids and sampling defaults that a request's own fields override.</summary>
public sealed class GenerationDefaultsTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    private GenerationDefaults Load(string json)
    {
        _folder.Write(GenerationDefaults.FileName, json);
        return GenerationDefaults.Load(_folder.Path);
    }

    [Fact]
    public void Load_NoFile_HasNoDefaults()
    {
        Assert.Same(GenerationDefaults.None, GenerationDefaults.Load(_folder.Path));
    }

    [Fact]
    public void Load_Llama3Config_ReadsEveryEosIdAndTheSamplingDefaults()
    {
        var defaults = Load("""{ "bos_token_id": 128000, "do_sample": true, "eos_token_id": [128001, 128008, 128009], "temperature": 0.6, "top_p": 0.9, "transformers_version": "4.45.0" }""");

        Assert.Equal([128001, 128008, 128009], defaults.EosTokenIds);
        Assert.Equal(0.6f, defaults.Temperature);
        Assert.Equal(0.9f, defaults.TopP);
        Assert.Null(defaults.TopK);
    }

    [Fact]
    public void Load_Qwen2Config_ReadsTopKAndRepetitionPenalty()
    {
        var defaults = Load("""{ "do_sample": true, "eos_token_id": [151645, 151643], "pad_token_id": 151643, "repetition_penalty": 1.05, "temperature": 0.7, "top_k": 20, "top_p": 0.8 }""");

        Assert.Equal((20, 1.05f), (defaults.TopK, defaults.RepetitionPenalty));
    }

    [Fact]
    public void Load_SingleEosId_IsAListOfOne()
    {
        Assert.Equal([50256], Load("""{ "bos_token_id": 50256, "eos_token_id": 50256 }""").EosTokenIds);
    }

    [Theory]
    [InlineData("""{ "do_sample": false, "temperature": 0.6 }""", 0f)]
    [InlineData("""{ "do_sample": true }""", 1f)]
    [InlineData("""{ "temperature": 0.3 }""", 0.3f)]
    [InlineData("""{ "eos_token_id": 2 }""", null)]
    public void Load_DoSampleAndTemperature_GiveTheDefaultTemperature(string json, float? expected)
    {
        Assert.Equal(expected, Load(json).Temperature);
    }

    [Fact]
    public void Load_TopKZero_MeansNoFilter()
    {
        Assert.Null(Load("""{ "top_k": 0 }""").TopK);
    }

    [Theory]
    [InlineData("""{ "eos_token_id": "</s>" }""", "eos_token_id")]
    [InlineData("""{ "eos_token_id": [2, -1] }""", "eos_token_id")]
    [InlineData("""{ "temperature": -0.5 }""", "temperature")]
    [InlineData("""{ "top_p": 1.5 }""", "top_p")]
    [InlineData("""{ "top_k": 2.5 }""", "top_k")]
    [InlineData("""{ "repetition_penalty": 0 }""", "repetition_penalty")]
    [InlineData("""{ "max_new_tokens": 0 }""", "max_new_tokens")]
    [InlineData("""{ "max_length": "long" }""", "max_length")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{ "temperature": """, "not valid JSON")]
    public void Load_BadValue_IsRefusedNamingTheFileAndField(string json, string field)
    {
        var error = Assert.Throws<ModelFolderException>(() => Load(json));

        Assert.Contains(GenerationDefaults.FileName, error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_RequestFieldsWin_AbsentOnesComeFromTheModel()
    {
        var defaults = Load("""{ "temperature": 0.7, "top_k": 20, "top_p": 0.8, "repetition_penalty": 1.05 }""");

        var applied = defaults.Apply(new SamplingRequest { Temperature = 0, TopP = 0.5f });

        Assert.Equal(0f, applied.Temperature);
        Assert.Equal(0.5f, applied.TopP);
        Assert.Equal(20, applied.TopK);
        Assert.Equal(1.05f, applied.RepetitionPenalty);
    }

    [Fact]
    public void Apply_NeitherRequestNorModelGiveATemperature_TheEndpointDefaultDecides()
    {
        var applied = GenerationDefaults.None.Apply(new SamplingRequest { DefaultTemperature = 0 });

        var parameters = SamplingValidator.Validate(applied, 100, 5, GenerationDefaults.None.Limits(50));

        Assert.True(parameters.Value!.IsGreedy);
    }

    [Fact]
    public void Apply_ModelTemperature_BeatsTheEndpointDefault()
    {
        var defaults = Load("""{ "do_sample": true, "temperature": 0.6 }""");

        var parameters = SamplingValidator.Validate(defaults.Apply(new SamplingRequest { DefaultTemperature = 0 }), 100, 5, defaults.Limits(50));

        Assert.Equal(0.6f, parameters.Value!.Temperature);
    }

    [Fact]
    public void Limits_MaxNewTokens_IsTheDefaultCutToTheContext()
    {
        var defaults = Load("""{ "max_new_tokens": 30 }""");

        Assert.Equal(30, SamplingValidator.Validate(new SamplingRequest(), 100, 5, defaults.Limits(50)).Value!.MaxNewTokens);
        Assert.Equal(15, SamplingValidator.Validate(new SamplingRequest(), 100, 85, defaults.Limits(50)).Value!.MaxNewTokens);
        Assert.Equal(60, SamplingValidator.Validate(new SamplingRequest { MaxNewTokens = 60 }, 100, 5, defaults.Limits(50)).Value!.MaxNewTokens);
    }

    [Fact]
    public void Limits_MaxLength_CountsThePromptAndLeavesAtLeastOneToken()
    {
        var defaults = Load("""{ "max_length": 20 }""");

        Assert.Equal(12, SamplingValidator.Validate(new SamplingRequest(), 100, 8, defaults.Limits(50)).Value!.MaxNewTokens);
        Assert.Equal(1, SamplingValidator.Validate(new SamplingRequest(), 100, 30, defaults.Limits(50)).Value!.MaxNewTokens);
    }

    [Fact]
    public void Limits_MaxNewTokensAndMaxLength_MaxNewTokensWins()
    {
        var defaults = Load("""{ "max_new_tokens": 7, "max_length": 20 }""");

        Assert.Equal(7, SamplingValidator.Validate(new SamplingRequest(), 100, 8, defaults.Limits(50)).Value!.MaxNewTokens);
    }

    public void Dispose() => _folder.Dispose();
}
