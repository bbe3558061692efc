using System.Net;
using System.Text;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// Inputs that once answered 500: numbers past float's range in sampling settings (the error's <c>received</c> was
/// infinity, which JSON cannot carry), and JSON strings that are not text (a lone surrogate escape, bytes that are not
/// UTF-8) where a route reads strings from a JSON tree itself. Each must be a 400 naming the field.
/// </summary>
public sealed class BadInputTests(GenerationServer server) : IClassFixture<GenerationServer>
{
    private readonly HttpClient _client = server.Client;

    public static TheoryData<string, string, string, bool> SamplingPastFloat()
    {
        var data = new TheoryData<string, string, string, bool>();
        foreach (var value in new[] { "1e39", "1e308", "1e309" })
        {
            foreach (var stream in new[] { false, true })
            {
                data.Add("/v1/generate", "temperature", value, stream);
                data.Add("/v1/generate", "repetition_penalty", value, stream);
                data.Add("/v1/completions", "temperature", value, stream);
                data.Add("/v1/chat/completions", "temperature", value, stream);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SamplingPastFloat))]
    public async Task Generation_NumberPastFloatRange_Answers400WithTheField(string path, string field, string value, bool stream)
    {
        var prompt = path == "/v1/chat/completions" ? """ "messages": [{"role": "user", "content": "in the"}] """ : """ "prompt": "in the" """;

        using var response = await _client.PostRawAsync(path, $$"""{"model": "tiny-gpt", {{prompt}}, "{{field}}": {{value}}, "stream": {{(stream ? "true" : "false")}}}""");

        if (path == "/v1/generate")
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", field);

            // What the client sent, as a number; past double's range (read as infinity) as text.
            var received = problem.GetProperty("received");
            Assert.Equal(value == "1e309" ? "Infinity" : value, received.ValueKind == System.Text.Json.JsonValueKind.Number ? received.GetDouble().ToString("0e0", System.Globalization.CultureInfo.InvariantCulture) : received.GetString());
        }
        else
        {
            await response.AssertOpenAiErrorAsync(HttpStatusCode.BadRequest, "validation", field);
        }
    }

    [Theory]
    [InlineData("""[{"role": "user", "content": "hi \udc00"}]""", "messages[0].content")]
    [InlineData("""[{"role": "user", "content": "hi \ud800"}]""", "messages[0].content")]
    [InlineData("""[{"role": "user", "content": [{"type": "text", "text": "\udc00"}]}]""", "messages[0].content[0].text")]
    [InlineData("""[{"role": "user", "content": [{"type": "\udc00", "text": "hi"}]}]""", "messages[0].content[0]")]
    public async Task Chat_LoneSurrogateInContent_Answers400WithTheField(string messages, string field)
    {
        using var response = await _client.PostRawAsync("/v1/chat/completions", $$"""{"model": "tiny-gpt", "messages": {{messages}}}""");

        await response.AssertOpenAiErrorAsync(HttpStatusCode.BadRequest, "validation", field);
    }

    [Fact]
    public async Task Chat_InvalidUtf8InContent_Answers400WithTheField()
    {
        using var response = await PostBytesAsync("/v1/chat/completions", """{"model": "tiny-gpt", "messages": [{"role": "user", "content": "hi ~"}]}""");

        await response.AssertOpenAiErrorAsync(HttpStatusCode.BadRequest, "validation", "messages[0].content");
    }

    [Theory]
    [InlineData("/v1/generate", """{"model": "tiny-gpt", "prompt": "hi \udc00"}""", "prompt")]
    [InlineData("/v1/classify", """{"model": "tiny-bert-cls", "inputs": ["ok", "\udc00"]}""", "inputs")]
    public async Task BoundBody_LoneSurrogate_Answers400SayingItIsNotText(string path, string json, string field)
    {
        using var response = await _client.PostRawAsync(path, json);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", field);
        Assert.Contains("not valid Unicode", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task KServeText_LoneSurrogate_Answers400WithTheElement()
    {
        using var response = await _client.PostRawAsync("/v2/models/tiny-bert-cls/infer", """{"inputs": [{"name": "text", "datatype": "BYTES", "shape": [2], "data": ["fine", "hi \udc00"]}]}""");

        var body = await response.ReadJsonAsync(HttpStatusCode.BadRequest);
        Assert.Contains("inputs[0].data[1]", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task KServe_InvalidUtf8InTextAndParameter_Answers400()
    {
        using var text = await PostBytesAsync("/v2/models/tiny-bert-cls/infer", """{"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["~"]}]}""");
        using var parameter = await PostBytesAsync("/v2/models/tiny-bert-cls/infer", """{"inputs": [{"name": "text", "datatype": "BYTES", "shape": [1], "data": ["ok"], "parameters": {"truncate": "~"}}]}""");
        using var number = await PostBytesAsync("/v2/models/tiny-bert-cls/infer", """{"inputs": [{"name": "input_ids", "datatype": "INT64", "shape": [1], "data": [{"~": 1}]}]}""");

        Assert.Contains("not valid Unicode", (await text.ReadJsonAsync(HttpStatusCode.BadRequest)).GetProperty("error").GetString());
        Assert.Contains("truncate", (await parameter.ReadJsonAsync(HttpStatusCode.BadRequest)).GetProperty("error").GetString());
        Assert.Contains("element 0", (await number.ReadJsonAsync(HttpStatusCode.BadRequest)).GetProperty("error").GetString());
    }

    /// <summary>Posts <paramref name="json"/> with every '~' replaced by the byte 0xFF, which is never UTF-8.</summary>
    private Task<HttpResponseMessage> PostBytesAsync(string path, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        bytes.AsSpan().Replace((byte)'~', (byte)0xFF);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return _client.PostAsync(path, content);
    }
}
