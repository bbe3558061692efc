using System.Net;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

public sealed class GenerationEndpointsTests(GenerationServer server) : IClassFixture<GenerationServer>
{
    private const double Tolerance = 1e-4;
    private readonly HttpClient _client = server.Client;

    public static TheoryData<int> CaseIndexes() => new(Enumerable.Range(0, Fixtures.GenerationCases.Count));

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public async Task Generate_GreedyAlone_MatchesPyTorchIdsLogprobsAndText(int index)
    {
        var expected = Fixtures.GenerationCases[index];

        using var response = await _client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = expected.Prompt, max_new_tokens = 12, logprobs = true });

        AssertGreedy(expected, await response.ReadJsonAsync());
    }

    [Fact]
    public async Task Generate_AllPromptsConcurrently_EachMatchesPyTorch()
    {
        var requests = Fixtures.GenerationCases.Select(async expected =>
        {
            using var response = await _client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = expected.Prompt, max_new_tokens = 12, logprobs = true });
            AssertGreedy(expected, await response.ReadJsonAsync());
        });

        await Task.WhenAll(requests);
    }

    [Fact]
    public async Task GenerateStream_SendsOneEventPerTokenThenTheEndWithUsage()
    {
        var expected = Fixtures.GenerationCases[0];

        using var response = await _client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = expected.Prompt, max_new_tokens = 12, stream = true });

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = ParseEvents(await response.Content.ReadAsStringAsync());
        Assert.Equal(Enumerable.Repeat("token", 12).Append("end"), events.Select(e => e.Type));
        Assert.Equal(expected.GreedyIds, events.SkipLast(1).Select(e => e.Data.GetProperty("token").GetProperty("id").GetInt32()));
        Assert.Equal(Enumerable.Range(0, 12), events.SkipLast(1).Select(e => e.Data.GetProperty("index").GetInt32()));
        var end = events[^1].Data;
        Assert.Equal(string.Concat(events.SkipLast(1).Select(e => e.Data.GetProperty("token").GetProperty("text").GetString())), end.GetProperty("generated_text").GetString());
        Assert.Equal("length", end.GetProperty("finish_reason").GetString());
        Assert.Equal(expected.PromptIds.Length, end.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(12, end.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Generate_StopSequenceSplitAcrossTokens_StopsBeforeIt()
    {
        // "in the" continues " the the the…", one " the" per token: "e th" spans two tokens.
        using var response = await _client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = "in the", max_new_tokens = 12, stop = new[] { "e th" } });

        var body = await response.ReadJsonAsync();
        Assert.Equal(" th", body.GetProperty("generated_text").GetString());
        Assert.Equal("stop_sequence", body.GetProperty("finish_reason").GetString());
        Assert.Equal(2, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Generate_SameSeed_SameSampledText()
    {
        object Body() => new { model = "tiny-gpt", prompt = "Once upon a time", max_new_tokens = 20, temperature = 1.5, top_k = 50, seed = 1234 };

        using var first = await _client.PostJsonAsync("/v1/generate", Body());
        using var second = await _client.PostJsonAsync("/v1/generate", Body());

        Assert.Equal(
            (await first.ReadJsonAsync()).GetProperty("generated_text").GetString(),
            (await second.ReadJsonAsync()).GetProperty("generated_text").GetString());
    }

    [Fact]
    public async Task GenerateStream_ClientLeavesMidStream_ServerKeepsServingExactResults()
    {
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/generate") { Content = JsonContent(new { model = "tiny-gpt", prompt = "A", max_new_tokens = 120, stream = true }) })
        using (var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var stream = await response.Content.ReadAsStreamAsync();
            var first = new byte[16];
            _ = await stream.ReadAsync(first);
        }

        using var next = await _client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = Fixtures.GenerationCases[2].Prompt, max_new_tokens = 12, logprobs = true });
        AssertGreedy(Fixtures.GenerationCases[2], await next.ReadJsonAsync());
    }

    [Fact]
    public async Task Metrics_ExportTimeToFirstTokenInterTokenLatencyTokensAndSequences()
    {
        using (var response = await _client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = "Once upon a time", max_new_tokens = 5 }))
        {
            await response.ReadJsonAsync();
        }

        var metrics = await _client.GetStringAsync("/metrics");

        Assert.Contains("inference_time_to_first_token_seconds_bucket{", metrics);
        Assert.Contains("inference_inter_token_latency_seconds_bucket{", metrics);
        Assert.Contains("inference_generated_tokens_total{otel_scope_name=\"InferenceApi\",model=\"tiny-gpt\"}", metrics);
        Assert.Contains("inference_running_sequences{", metrics);
        Assert.Contains("inference_waiting_sequences{", metrics);
    }

    [Theory]
    [InlineData("""{"model":"tiny-gpt","prompt":""}""", HttpStatusCode.BadRequest, "validation", "prompt")]
    [InlineData("""{"model":"tiny-gpt"}""", HttpStatusCode.BadRequest, "validation", "prompt")]
    [InlineData("""{"model":"tiny-gpt","prompt":"a","temperature":-1}""", HttpStatusCode.BadRequest, "validation", "temperature")]
    [InlineData("""{"model":"tiny-gpt","prompt":"a","top_p":1.5}""", HttpStatusCode.BadRequest, "validation", "top_p")]
    [InlineData("""{"model":"tiny-gpt","prompt":"a","top_k":0}""", HttpStatusCode.BadRequest, "validation", "top_k")]
    [InlineData("""{"model":"tiny-gpt","prompt":"a","repetition_penalty":0}""", HttpStatusCode.BadRequest, "validation", "repetition_penalty")]
    [InlineData("""{"model":"tiny-gpt","prompt":"a","max_new_tokens":0}""", HttpStatusCode.BadRequest, "validation", "max_new_tokens")]
    [InlineData("""{"model":"tiny-gpt","prompt":"a","max_new_tokens":500}""", HttpStatusCode.BadRequest, "validation", "max_new_tokens")]
    [InlineData("""{"model":"tiny-gpt","prompt":"a","stop":["a","b","c","d","e"]}""", HttpStatusCode.BadRequest, "validation", "stop")]
    [InlineData("""{"model":"tiny-gpt","prompt":"a","stream":"yes"}""", HttpStatusCode.BadRequest, "validation", "stream")]
    [InlineData("""{"model":"tiny-bert-cls","prompt":"a"}""", HttpStatusCode.BadRequest, "validation", "model")]
    [InlineData("""{"model":"nope","prompt":"a"}""", HttpStatusCode.NotFound, "not_found", "model")]
    public async Task Generate_BadRequest_AnswersProblemDetailsNamingTheField(string json, HttpStatusCode status, string errorType, string field)
    {
        using var response = await _client.PostRawAsync("/v1/generate", json);

        await response.AssertProblemAsync(status, errorType, field);
    }

    [Fact]
    public async Task Generate_PromptLongerThanTheContext_Answers422()
    {
        using var response = await _client.PostJsonAsync("/v1/generate", new { model = "tiny-gpt", prompt = string.Concat(Enumerable.Repeat("x y ", 200)) });

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "input_too_long", "prompt");
        Assert.Equal(127, problem.GetProperty("limit").GetInt32());
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, InferenceApiFactory.Json), System.Text.Encoding.UTF8, "application/json");

    private static void AssertGreedy(GenerationCase expected, JsonElement body)
    {
        var tokens = body.GetProperty("tokens").EnumerateArray().ToList();
        Assert.Equal(expected.GreedyIds, tokens.Select(t => t.GetProperty("id").GetInt32()));
        for (var i = 0; i < tokens.Count; i++)
        {
            var logprob = tokens[i].GetProperty("logprob").GetDouble();
            Assert.True(Math.Abs(logprob - expected.GreedyLogprobs[i]) <= Tolerance, $"{expected.Prompt} token {i}: {logprob} vs PyTorch {expected.GreedyLogprobs[i]}");
        }

        Assert.Equal(expected.GreedyText, body.GetProperty("generated_text").GetString());
        Assert.Equal("length", body.GetProperty("finish_reason").GetString());
        Assert.Equal(expected.PromptIds.Length, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    private static List<(string Type, JsonElement Data)> ParseEvents(string text)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            var type = lines.FirstOrDefault(l => l.StartsWith("event: ", StringComparison.Ordinal))?[7..] ?? "message";
            var data = string.Join('\n', lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]));
            events.Add((type, JsonDocument.Parse(data).RootElement.Clone()));
        }

        return events;
    }
}
