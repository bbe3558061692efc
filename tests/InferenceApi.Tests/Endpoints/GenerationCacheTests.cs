using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>Greedy and seeded generations are cached; free sampling and streams are not.</summary>
public sealed class GenerationCacheTests : SingleModelServer
{
    public GenerationCacheTests()
    {
        Factory.AddModel(Fixtures.TinyGpt, "tiny-gpt");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(1.2, 99ul)]
    public async Task Generate_DeterministicRequestTwice_SecondIsACacheHitWithTheSameAnswer(double? temperature, ulong? seed)
    {
        object Body() => new { model = "tiny-gpt", prompt = "Once upon a time " + Guid.NewGuid().ToString("N")[..4], max_new_tokens = 10, temperature, seed };
        var body = Body();

        using var first = await Client.PostJsonAsync("/v1/generate", body);
        using var second = await Client.PostJsonAsync("/v1/generate", body);

        Assert.Equal("miss", first.Header("x-cache"));
        Assert.Equal("hit", second.Header("x-cache"));
        Assert.Equal("1", second.Header("x-model-version"));
        Assert.Equal((await first.ReadJsonAsync()).GetRawText(), (await second.ReadJsonAsync()).GetRawText());
    }

    [Fact]
    public async Task Completions_SeededRequestTwice_SecondIsACacheHitWithTheSameChoices()
    {
        var body = new { model = "tiny-gpt", prompt = "Once upon a time " + Guid.NewGuid().ToString("N")[..4], max_tokens = 6, n = 2, seed = 7 };

        using var first = await Client.PostJsonAsync("/v1/completions", body);
        using var second = await Client.PostJsonAsync("/v1/completions", body);

        Assert.Equal("miss", first.Header("x-cache"));
        Assert.Equal("hit", second.Header("x-cache"));
        var choices = (await first.ReadJsonAsync()).GetProperty("choices");
        Assert.Equal(choices.GetRawText(), (await second.ReadJsonAsync()).GetProperty("choices").GetRawText());
        Assert.Equal(2, choices.GetArrayLength());
    }

    [Fact]
    public async Task Generate_SampledWithoutSeed_IsNotCached()
    {
        using var response = await Client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = "in the", max_new_tokens = 5, temperature = 1.0 });

        await response.ReadJsonAsync();
        Assert.False(response.Headers.Contains("x-cache"));
    }
}
