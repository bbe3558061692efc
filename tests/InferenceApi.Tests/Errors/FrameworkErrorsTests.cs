using System.Net;
using System.Text;
using InferenceApi.Tests.Endpoints;
using InferenceApi.Tests.Infrastructure;
using InferenceApi.Tests.KServe;

namespace InferenceApi.Tests.Errors;

/// <summary>
/// What the framework answers by itself (no endpoint for the path or the method, a media type or a body it cannot
/// bind, a body over the limit) comes out of the same table and in the route family's shape.
/// </summary>
public sealed class FrameworkErrorsTests(ClassifierServer server) : IClassFixture<ClassifierServer>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task WrongMediaType_OnOurRoute_Answers415ProblemDetails()
    {
        using var response = await _client.PostAsync("/v1/classify", new StringContent("hello", Encoding.UTF8, "text/plain"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        Assert.Contains("'text/plain; charset=utf-8'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task WrongMediaType_OnAnOpenAiRoute_Answers415InOpenAisShape()
    {
        using var response = await _client.PostAsync("/v1/embeddings", new StringContent("hello", Encoding.UTF8, "text/plain"));

        await response.AssertOpenAiErrorAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task WrongMediaType_UnderV2_Answers415InKServesShape()
    {
        using var response = await _client.PostAsync("/v2/models/tiny-bert-cls/infer", new StringContent("hello", Encoding.UTF8, "text/plain"));

        await response.AssertKServeErrorAsync(HttpStatusCode.UnsupportedMediaType, "text/plain");
    }

    [Theory]
    [InlineData("""{"model":"embedder","input":"a",""", null)]
    [InlineData("""{"model":"embedder","input":"a","dimensions":"8"}""", "dimensions")]
    [InlineData("""{"model":"embedder","input":"a","encoding_format":5}""", "encoding_format")]
    public async Task UnreadableJson_OnAnOpenAiRoute_Answers400InOpenAisShapeNamingTheField(string json, string? param)
    {
        using var response = await _client.PostRawAsync("/v1/embeddings", json);

        await response.AssertOpenAiErrorAsync(HttpStatusCode.BadRequest, "validation", param);
    }

    [Fact]
    public async Task NoBody_OnAnOpenAiRoute_Answers400AskingForAJsonBody()
    {
        using var response = await _client.PostAsync("/v1/chat/completions", new StringContent(string.Empty, Encoding.UTF8, "application/json"));

        var error = await response.AssertOpenAiErrorAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("needs a JSON body", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task BodyOverTheLimit_OnAnOpenAiRoute_Answers413InOpenAisShape()
    {
        using var response = await _client.PostJsonAsync("/v1/embeddings", new { model = "embedder", input = new string('a', 70_000) });

        await response.AssertOpenAiErrorAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task ModelsRoute_OpenAiSdkCaller_GetsOpenAisShape_OthersProblemDetails()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models/no-such-model");
        request.Headers.TryAddWithoutValidation("User-Agent", "OpenAI/2.15.0 (.NET 10.0; Linux)");
        using var fromSdk = await _client.SendAsync(request);
        using var fromCurl = await _client.GetAsync("/v1/models/-bad");

        var error = await fromSdk.AssertOpenAiErrorAsync(HttpStatusCode.NotFound, "model_not_found", "model");
        Assert.Contains("no-such-model", error.GetProperty("message").GetString());
        await fromCurl.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "name");
    }
}
