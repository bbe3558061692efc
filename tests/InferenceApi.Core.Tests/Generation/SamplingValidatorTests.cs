using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;

namespace InferenceApi.Core.Tests.Generation;

public sealed class SamplingValidatorTests
{
    private static readonly SamplingLimits Limits = new(VocabularySize: 50257);

    private static Result<SamplingParameters> Validate(SamplingRequest request, int contextLength = 1024, int promptTokens = 10) =>
        SamplingValidator.Validate(request, contextLength, promptTokens, Limits);

    private static InferenceError Fails(SamplingRequest request, int contextLength = 1024, int promptTokens = 10)
    {
        var result = Validate(request, contextLength, promptTokens);
        Assert.False(result.IsSuccess);
        return result.Error;
    }

    [Fact]
    public void Validate_NothingGiven_DefaultsToPlainSampling()
    {
        var result = Validate(new SamplingRequest());

        Assert.True(result.IsSuccess);
        var p = result.Value;
        Assert.Equal(1f, p.Temperature);
        Assert.Null(p.TopK);
        Assert.Equal(1f, p.TopP);
        Assert.Equal(1f, p.RepetitionPenalty);
        Assert.Null(p.Seed);
        Assert.Equal(Limits.DefaultMaxNewTokens, p.MaxNewTokens);
        Assert.Empty(p.StopSequences);
        Assert.False(p.ReturnLogprobs);
        Assert.False(p.IsGreedy);
        Assert.False(p.IsDeterministic);
    }

    [Fact]
    public void Validate_AllInRange_KeepsEveryValue()
    {
        var result = Validate(new SamplingRequest
        {
            Temperature = 0.7f,
            TopK = 50,
            TopP = 0.9f,
            RepetitionPenalty = 1.3f,
            Seed = ulong.MaxValue,
            MaxNewTokens = 20,
            StopSequences = ["\n\n", "END"],
            ReturnLogprobs = true,
        });

        Assert.True(result.IsSuccess);
        var p = result.Value;
        Assert.Equal((0.7f, 50, 0.9f, 1.3f, ulong.MaxValue, 20, true), (p.Temperature, p.TopK, p.TopP, p.RepetitionPenalty, p.Seed, p.MaxNewTokens, p.ReturnLogprobs));
        Assert.Equal(["\n\n", "END"], p.StopSequences);
        Assert.True(p.IsDeterministic);
    }

    [Fact]
    public void Validate_TemperatureZero_IsGreedyAndDeterministic()
    {
        var p = Validate(new SamplingRequest { Temperature = 0f }).Value!;

        Assert.True(p.IsGreedy);
        Assert.True(p.IsDeterministic);
    }

    [Theory]
    [InlineData(-1d, "`temperature` must be >= 0.0 and <= 100.0. Given: -1.0")]
    [InlineData(100.5d, "`temperature` must be >= 0.0 and <= 100.0. Given: 100.5")]
    [InlineData(1e39, "`temperature` must be >= 0.0 and <= 100.0. Given: 1E+39")]
    [InlineData(1e308, "`temperature` must be >= 0.0 and <= 100.0. Given: 1E+308")]
    [InlineData(double.NaN, "`temperature` must be >= 0.0 and <= 100.0. Given: NaN")]
    [InlineData(double.PositiveInfinity, "`temperature` must be >= 0.0 and <= 100.0. Given: Infinity")]
    public void Validate_TemperatureOutOfRange_NamesFieldLimitAndValue(double temperature, string message)
    {
        var error = Fails(new SamplingRequest { Temperature = temperature });

        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal("temperature", error.Field);
        Assert.Equal(message, error.Message);
        Assert.Equal(100f, error.Limit);
    }

    [Theory]
    [InlineData(0, "`top_k` must be >= 1 and <= 50257. Given: 0")]
    [InlineData(-3, "`top_k` must be >= 1 and <= 50257. Given: -3")]
    [InlineData(50258, "`top_k` must be >= 1 and <= 50257. Given: 50258")]
    public void Validate_TopKOutOfRange_NamesFieldLimitAndValue(int topK, string message)
    {
        var error = Fails(new SamplingRequest { TopK = topK });

        Assert.Equal("top_k", error.Field);
        Assert.Equal(message, error.Message);
        Assert.Equal(50257, error.Limit);
        Assert.Equal(topK, error.Received);
    }

    [Theory]
    [InlineData(1.5d, "`top_p` must be > 0.0 and <= 1.0. Given: 1.5")]
    [InlineData(0d, "`top_p` must be > 0.0 and <= 1.0. Given: 0.0")]
    [InlineData(-0.25d, "`top_p` must be > 0.0 and <= 1.0. Given: -0.25")]
    [InlineData(double.NaN, "`top_p` must be > 0.0 and <= 1.0. Given: NaN")]
    public void Validate_TopPOutOfRange_NamesFieldLimitAndValue(double topP, string message)
    {
        var error = Fails(new SamplingRequest { TopP = topP });

        Assert.Equal("top_p", error.Field);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Validate_ValuesBelowFloatRange_StayPositiveWhenNarrowed()
    {
        // 1e-50 is a positive double but rounds to 0 as a float: the sampler must not get a zero top_p or penalty.
        var p = Validate(new SamplingRequest { TopP = 1e-50, RepetitionPenalty = 1e-50 }).Value!;

        Assert.True(p.TopP > 0f);
        Assert.True(p.RepetitionPenalty > 0f);
    }

    [Fact]
    public void Validate_TemperatureAboveFloatRange_ReceivedIsTheDoubleSent()
    {
        var error = Fails(new SamplingRequest { Temperature = 1e39 });

        Assert.Equal(1e39, error.Received);
    }

    [Fact]
    public void Validate_TopPOne_IsAccepted()
    {
        Assert.True(Validate(new SamplingRequest { TopP = 1f }).IsSuccess);
    }

    [Theory]
    [InlineData(0d, "`repetition_penalty` must be > 0.0 and <= 3.4e38 (float32's range). Given: 0.0")]
    [InlineData(-1.2d, "`repetition_penalty` must be > 0.0 and <= 3.4e38 (float32's range). Given: -1.2")]
    [InlineData(1e39, "`repetition_penalty` must be > 0.0 and <= 3.4e38 (float32's range). Given: 1E+39")]
    [InlineData(double.PositiveInfinity, "`repetition_penalty` must be > 0.0 and <= 3.4e38 (float32's range). Given: Infinity")]
    public void Validate_RepetitionPenaltyOutOfRange_NamesFieldAndValue(double penalty, string message)
    {
        var error = Fails(new SamplingRequest { RepetitionPenalty = penalty });

        Assert.Equal("repetition_penalty", error.Field);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Validate_MaxNewTokensBelowOne_NamesFieldAndValue(int maxNewTokens)
    {
        var error = Fails(new SamplingRequest { MaxNewTokens = maxNewTokens });

        Assert.Equal("max_new_tokens", error.Field);
        Assert.Equal($"`max_new_tokens` must be >= 1. Given: {maxNewTokens}", error.Message);
    }

    [Fact]
    public void Validate_PromptPlusMaxNewTokensBeyondContext_GivesBothNumbers()
    {
        var error = Fails(new SamplingRequest { MaxNewTokens = 100 }, contextLength: 1024, promptTokens: 1000);

        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal("max_new_tokens", error.Field);
        Assert.Equal("`inputs` tokens + `max_new_tokens` must be <= 1024. Given: 1000 `inputs` tokens and 100 `max_new_tokens`", error.Message);
        Assert.Equal(1024, error.Limit);
        Assert.Equal(100, error.Received);
    }

    [Fact]
    public void Validate_PromptPlusMaxNewTokensExactlyContext_IsAccepted()
    {
        var result = Validate(new SamplingRequest { MaxNewTokens = 24 }, contextLength: 1024, promptTokens: 1000);

        Assert.True(result.IsSuccess);
        Assert.Equal(24, result.Value.MaxNewTokens);
    }

    [Fact]
    public void Validate_HugeMaxNewTokens_DoesNotOverflowTheContextRule()
    {
        Assert.False(Validate(new SamplingRequest { MaxNewTokens = int.MaxValue }).IsSuccess);
    }

    [Fact]
    public void Validate_NoMaxNewTokens_DefaultIsCutToWhatTheContextLeaves()
    {
        var result = Validate(new SamplingRequest(), contextLength: 1024, promptTokens: 1000);

        Assert.Equal(24, result.Value!.MaxNewTokens);
    }

    [Fact]
    public void Validate_PromptFillsTheContext_IsInputTooLong()
    {
        var error = Fails(new SamplingRequest(), contextLength: 1024, promptTokens: 1024);

        Assert.Equal(ErrorKind.InputTooLong, error.Kind);
        Assert.Equal("inputs", error.Field);
        Assert.Equal("`inputs` must have less than 1024 tokens. Given: 1024", error.Message);
    }

    [Fact]
    public void Validate_EmptyPrompt_IsRefused()
    {
        var error = Fails(new SamplingRequest(), promptTokens: 0);

        Assert.Equal("inputs", error.Field);
        Assert.Equal("`inputs` cannot be empty", error.Message);
    }

    [Fact]
    public void Validate_TooManyStopSequences_GivesLimitAndCount()
    {
        var error = Fails(new SamplingRequest { StopSequences = ["a", "b", "c", "d", "e"] });

        Assert.Equal("stop", error.Field);
        Assert.Equal("`stop` supports up to 4 stop sequences. Given: 5", error.Message);
        Assert.Equal(4, error.Limit);
        Assert.Equal(5, error.Received);
    }

    [Fact]
    public void Validate_EmptyStopSequence_NamesItsIndex()
    {
        var error = Fails(new SamplingRequest { StopSequences = ["ok", ""] });

        Assert.Equal("stop[1]", error.Field);
        Assert.Equal("`stop[1]` cannot be empty", error.Message);
    }

    [Fact]
    public void Validate_LongStopSequence_GivesLimitAndLength()
    {
        var error = Fails(new SamplingRequest { StopSequences = [new string('x', 65)] });

        Assert.Equal("stop[0]", error.Field);
        Assert.Equal("`stop[0]` must be at most 64 characters. Given: 65 characters", error.Message);
    }

    [Fact]
    public void Validate_StopSequences_AreCopiedSoTheCallerCannotChangeThem()
    {
        var stops = new List<string> { "END" };
        var p = Validate(new SamplingRequest { StopSequences = stops }).Value!;

        stops[0] = "changed";

        Assert.Equal(["END"], p.StopSequences);
    }
}
