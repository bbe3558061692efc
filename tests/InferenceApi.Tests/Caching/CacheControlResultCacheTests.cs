using System.Net.Http.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Caching;

/// <summary>A request's Cache-Control decides whether its answer may come from, or go into, the result cache.</summary>
public sealed class CacheControlResultCacheTests : SingleModelServer
{
    public CacheControlResultCacheTests()
    {
        Factory.AddModel(Fixtures.TinyGpt, "tiny-gpt");
    }

    [Fact]
    public async Task Classify_NoCache_RunsTheModelAgainAndStoresTheFreshAnswer()
    {
        var body = new { model = "tiny-bert-cls", inputs = "a fine plot " + Guid.NewGuid().ToString("N")[..6] };

        using var first = await Client.PostJsonAsync("/v1/classify", body);
        using var cached = await Client.PostJsonAsync("/v1/classify", body);
        using var fresh = await SendAsync("/v1/classify", body, "no-cache");

        Assert.Equal("miss", first.Header("x-cache"));
        Assert.Equal("hit", cached.Header("x-cache"));
        Assert.Equal("miss", fresh.Header("x-cache"));
        Assert.Equal((await cached.ReadJsonAsync()).GetRawText(), (await fresh.ReadJsonAsync()).GetRawText());
    }

    [Fact]
    public async Task Classify_NoStore_NeitherReadsNorLeavesAnAnswerBehind()
    {
        var body = new { model = "tiny-bert-cls", inputs = "a dull plot " + Guid.NewGuid().ToString("N")[..6] };

        using var unstored = await SendAsync("/v1/classify", body, "no-store");
        using var afterwards = await Client.PostJsonAsync("/v1/classify", body);
        using var again = await SendAsync("/v1/classify", body, "no-store");

        Assert.Equal("miss", unstored.Header("x-cache"));
        Assert.Equal("miss", afterwards.Header("x-cache"));
        Assert.Equal("miss", again.Header("x-cache"));
    }

    [Fact]
    public async Task Generate_NoCache_RunsADeterministicGenerationAgain()
    {
        var body = new { model = "tiny-gpt", prompt = "Once upon a time " + Guid.NewGuid().ToString("N")[..4], max_new_tokens = 6 };

        using var first = await Client.PostJsonAsync("/v1/generate", body);
        using var fresh = await SendAsync("/v1/generate", body, "no-cache");
        using var cached = await Client.PostJsonAsync("/v1/generate", body);

        Assert.Equal("miss", first.Header("x-cache"));
        Assert.Equal("miss", fresh.Header("x-cache"));
        Assert.Equal("hit", cached.Header("x-cache"));
    }

    private async Task<HttpResponseMessage> SendAsync(string path, object body, string cacheControl)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: InferenceApiFactory.Json) };
        request.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        return await Client.SendAsync(request);
    }
}
