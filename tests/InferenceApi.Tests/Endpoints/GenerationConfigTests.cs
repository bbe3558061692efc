using System.Text.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// A model folder's generation_config.json through the HTTP API: generation stops at every listed eos_token_id, its
/// max_new_tokens is the default a request overrides, and a model that samples by default is not cached as if greedy.
/// </summary>
public sealed class GenerationConfigTests : SingleModelServer
{
    public GenerationConfigTests()
    {
        // PyTorch's greedy ids for the fixture: "Once upon a time" → 101, 101, 102…; "A" → 65, 65, 65, 217…; "in the" → 258, 258…
        var stops = Factory.AddModel(Fixtures.TinyGpt, "stops");
        File.WriteAllText(Path.Combine(stops, "generation_config.json"), """{ "bos_token_id": 264, "eos_token_id": [264, 102, 217], "max_new_tokens": 5 }""");
        var sampling = Factory.AddModel(Fixtures.TinyGpt, "sampling");
        File.WriteAllText(Path.Combine(sampling, "generation_config.json"), """{ "do_sample": true, "temperature": 1.3, "top_k": 40 }""");
    }

    [Theory]
    [InlineData("Once upon a time", new[] { 101, 101, 102 })]
    [InlineData("A", new[] { 65, 65, 65, 217 })]
    public async Task Generate_TokenInTheEosList_EndsTheGenerationThere(string prompt, int[] expected)
    {
        using var response = await Client.PostJsonAsync("/v1/generate", new { model = "stops", prompt, max_new_tokens = 12, logprobs = true });

        var body = await response.ReadJsonAsync();
        Assert.Equal(expected, body.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()));
        Assert.Equal("eos_token", body.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Generate_WithoutMaxNewTokens_TakesTheModelsDefaultAndARequestOverridesIt()
    {
        using var byDefault = await Client.PostJsonAsync("/v1/generate", new { model = "stops", prompt = "in the" });
        using var overridden = await Client.PostJsonAsync("/v1/generate", new { model = "stops", prompt = "in the", max_new_tokens = 8 });

        Assert.Equal(5, CompletionTokens(await byDefault.ReadJsonAsync()));
        Assert.Equal(8, CompletionTokens(await overridden.ReadJsonAsync()));
    }

    [Fact]
    public async Task Generate_ModelThatSamplesByDefault_IsNotCachedUnlessGreedyOrSeeded()
    {
        using var sampled = await Client.PostJsonAsync("/v1/generate", new { model = "sampling", prompt = "in the", max_new_tokens = 4 });
        using var greedy = await Client.PostJsonAsync("/v1/generate", new { model = "sampling", prompt = "in the", max_new_tokens = 4, temperature = 0 });

        await sampled.ReadJsonAsync();
        Assert.False(sampled.Headers.Contains("x-cache"));
        Assert.Equal(" the the the the", (await greedy.ReadJsonAsync()).GetProperty("generated_text").GetString());
        Assert.Equal("miss", greedy.Header("x-cache"));
    }

    private static int CompletionTokens(JsonElement body) => body.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
}
