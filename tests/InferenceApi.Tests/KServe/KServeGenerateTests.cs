using System.Net;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.KServe;

/// <summary>The protocol's generate extension against /v1/generate on the GPT fixture: the same continuous batching, the same tokens and finish reasons.</summary>
[Collection(TensorServerCollection.Name)]
public sealed class KServeGenerateTests(TensorServer server)
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Generate_Greedy_EqualsV1GenerateIdsAndFinishReason()
    {
        var prompt = Fixtures.GenerationCases[0].Prompt;

        var v2 = await (await _client.PostJsonAsync("/v2/models/tiny-gpt/generate", new { text_input = prompt, parameters = new { temperature = 0, max_tokens = 8, details = true } })).ReadJsonAsync();
        var v1 = await (await _client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt, max_new_tokens = 8, logprobs = true })).ReadJsonAsync();

        Assert.Equal(v1.GetProperty("generated_text").GetString(), v2.GetProperty("text_output").GetString());
        Assert.Equal("tiny-gpt", v2.GetProperty("model_name").GetString());
        Assert.Equal("1", v2.GetProperty("model_version").GetString());
        var details = v2.GetProperty("details");
        Assert.Equal(v1.GetProperty("finish_reason").GetString(), details.GetProperty("finish_reason").GetString());
        Assert.Equal(
            v1.GetProperty("tokens").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()),
            details.GetProperty("logprobs").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()));
        Assert.Equal(Fixtures.GenerationCases[0].GreedyIds.Take(8), details.GetProperty("logprobs").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task GenerateStream_Greedy_TokenEventsSpellTheWholeAnswer()
    {
        var prompt = Fixtures.GenerationCases[1].Prompt;
        var whole = await (await _client.PostJsonAsync("/v2/models/tiny-gpt/versions/1/generate", new { text_input = prompt, parameters = new { temperature = 0, max_tokens = 6 } })).ReadJsonAsync();

        using var response = await _client.PostJsonAsync("/v2/models/tiny-gpt/generate_stream", new { text_input = prompt, parameters = new { temperature = 0, max_tokens = 6, details = true } });

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split('\n')
            .Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[6..]).RootElement.Clone()).ToList();
        Assert.Equal(7, events.Count);
        Assert.Equal(whole.GetProperty("text_output").GetString(), string.Concat(events.Select(e => e.GetProperty("text_output").GetString())));
        Assert.Equal(Fixtures.GenerationCases[1].GreedyIds.Take(6), events.Take(6).Select(e => e.GetProperty("token").GetProperty("id").GetInt32()));
        Assert.Equal("length", events[^1].GetProperty("details").GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("""{"parameters":{"max_tokens":4}}""", "text_input")]
    [InlineData("""{"text_input":"Hello","parameters":{"max_new_tokens":4}}""", "max_new_tokens")]
    [InlineData("""{"text_input":"Hello","parameters":{"max_tokens":0}}""", "parameters.max_tokens")]
    public async Task Generate_BadRequest_AnswersKServeErrorNamingTheField(string json, string field)
    {
        using var response = await _client.PostRawAsync("/v2/models/tiny-gpt/generate", json);

        await response.AssertKServeErrorAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Generate_NotAGenerationModel_Answers400()
    {
        using var response = await _client.PostJsonAsync("/v2/models/convnet/generate", new { text_input = "Hello" });

        await response.AssertKServeErrorAsync(HttpStatusCode.BadRequest, "text-generation");
    }
}
