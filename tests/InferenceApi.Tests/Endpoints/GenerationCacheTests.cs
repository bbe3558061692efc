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
        Assert.Equal((await first.ReadJsonAsync()).GetRawText(), (await second.ReadJsonAsync()).GetRawText());
    }

    [Fact]
    public async Task Generate_SampledWithoutSeed_IsNotCached()
    {
        using var response = await Client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = "in the", max_new_tokens = 5, temperature = 1.0 });

        await response.ReadJsonAsync();
        Assert.False(response.Headers.Contains("x-cache"));
    }
}
