using System.Net;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>Every bad input a client can send to /v1/classify, each with its status and problem details.</summary>
public sealed class ClassificationErrorsTests(ClassifierServer server) : IClassFixture<ClassifierServer>
{
    private readonly HttpClient _client = server.Client;

    public static TheoryData<string, HttpStatusCode, string, string?> BadBodies() => new()
    {
        { """{"model":"tiny-bert-cls","inputs":""}""", HttpStatusCode.BadRequest, "validation", "inputs" },
        { """{"model":"tiny-bert-cls","inputs":"   \t\n "}""", HttpStatusCode.BadRequest, "validation", "inputs" },
        { """{"model":"tiny-bert-cls","inputs":["fine","  "]}""", HttpStatusCode.BadRequest, "validation", "inputs[1]" },
        { """{"model":"tiny-bert-cls","inputs":[]}""", HttpStatusCode.BadRequest, "validation", "inputs" },
        { """{"model":"tiny-bert-cls"}""", HttpStatusCode.BadRequest, "validation", "inputs" },
        { """{"model":"tiny-bert-cls","inputs":42}""", HttpStatusCode.BadRequest, "validation", "inputs" },
        { """{"model":"tiny-bert-cls","inputs":["a",{"b":1}]}""", HttpStatusCode.BadRequest, "validation", "inputs" },
        { """{"model":"tiny-bert-cls","inputs":"a","top_k":"2"}""", HttpStatusCode.BadRequest, "validation", "top_k" },
        { """{"model":"tiny-bert-cls","inputs":"a","truncate":"yes"}""", HttpStatusCode.BadRequest, "validation", "truncate" },
        { """{"model":"tiny-bert-cls","inputz":"a"}""", HttpStatusCode.BadRequest, "validation", "inputz" },
        { """{"model":"tiny-bert-cls","inputs":"a",""", HttpStatusCode.BadRequest, "validation", null },
        { """[1,2,3]""", HttpStatusCode.BadRequest, "validation", null },
        { """{"inputs":"a"}""", HttpStatusCode.BadRequest, "validation", "model" },
        { """{"model":42,"inputs":"a"}""", HttpStatusCode.BadRequest, "validation", "model" },
        { """{"model":"../models/tiny-bert-cls","inputs":"a"}""", HttpStatusCode.BadRequest, "validation", "model" },
        { """{"model":"tiny-bert-cls/1","inputs":"a"}""", HttpStatusCode.BadRequest, "validation", "model" },
        { """{"model":"tiny..bert","inputs":"a"}""", HttpStatusCode.BadRequest, "validation", "model" },
        { """{"model":"no-such-model","inputs":"a"}""", HttpStatusCode.NotFound, "not_found", "model" },
        { """{"model":"tiny-bert-cls","inputs":"a","version":7}""", HttpStatusCode.NotFound, "not_found", "version" },
        { """{"model":"tiny-bert-cls","inputs":"a","version":0}""", HttpStatusCode.BadRequest, "validation", "version" },
        { """{"model":"tiny-bert-cls","inputs":"a","top_k":0}""", HttpStatusCode.BadRequest, "validation", "top_k" },
        { """{"model":"tiny-bert-cls","inputs":"a","top_k":4}""", HttpStatusCode.BadRequest, "validation", "top_k" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Classify_BadBody_AnswersProblemDetailsNamingTheField(string json, HttpStatusCode status, string errorType, string? field)
    {
        using var response = await _client.PostRawAsync("/v1/classify", json);

        await response.AssertProblemAsync(status, errorType, field);
    }

    [Fact]
    public async Task Classify_RefusedAfterTheModelWasLeased_StillNamesTheModelVersion()
    {
        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "a", top_k = 9 });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "top_k");
        Assert.Equal("1", response.Header("x-model-version"));
    }

    [Fact]
    public async Task Classify_NoBody_AnswersBadRequest()
    {
        using var response = await _client.PostAsync("/v1/classify", new StringContent(string.Empty, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Classify_TooManyInputs_NamesTheLimitAndTheCount()
    {
        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = Enumerable.Repeat("good", 17).ToArray() });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "inputs");
        Assert.Equal(16, problem.GetProperty("limit").GetInt32());
        Assert.Equal(17, problem.GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Classify_TooLongWithoutTruncate_Answers422WithTheModelMaximum()
    {
        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { "fine", string.Join(' ', Enumerable.Repeat("good", 100)) } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "input_too_long", "inputs[1]");
        Assert.Equal(64, problem.GetProperty("limit").GetInt32());
        Assert.Equal(102, problem.GetProperty("received").GetInt32());
    }

    [Fact]
    public async Task Classify_TextOverTheCharacterLimit_Answers413()
    {
        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new string('a', 20_001), truncate = true });

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "inputs");
        Assert.Equal(20_000, problem.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Classify_BodyOverTheSizeLimit_Answers413BeforeReadingIt()
    {
        var inputs = Enumerable.Repeat(new string('a', 10_000), 7).ToArray();

        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs });

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.Equal(65536, problem.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task Classify_ChunkedBodyOverTheSizeLimit_Answers413()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { model = "tiny-bert-cls", inputs = Enumerable.Repeat(new string('a', 10_000), 7).ToArray() });
        using var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new("application/json");

        // StreamContent over a non-seekable wrapper sends no Content-Length, so the limit must hold while reading.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/classify") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }
}
