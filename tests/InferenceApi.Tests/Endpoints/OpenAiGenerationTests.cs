using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace InferenceApi.Tests.Endpoints;

public sealed class OpenAiGenerationTests(GenerationServer server) : IClassFixture<GenerationServer>
{
    private const double Tolerance = 1e-4;
    private readonly HttpClient _client = server.Client;

    public static TheoryData<int> CaseIndexes() => new(Enumerable.Range(0, Fixtures.GenerationCases.Count));

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public async Task Completions_Greedy_EqualsPyTorchTextAndLogprobs(int index)
    {
        var expected = Fixtures.GenerationCases[index];

        using var response = await _client.PostJsonAsync("/v1/completions", new { model = "tiny-gpt", prompt = expected.Prompt, max_tokens = 12, temperature = 0, logprobs = 0 });

        var body = await response.ReadJsonAsync();
        Assert.StartsWith("cmpl-", body.GetProperty("id").GetString());
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Equal("tiny-gpt", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal(expected.GreedyText, choice.GetProperty("text").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var logprobs = choice.GetProperty("logprobs");
        var served = logprobs.GetProperty("token_logprobs").EnumerateArray().Select(l => l.GetDouble()).ToArray();
        Assert.Equal(expected.GreedyLogprobs.Length, served.Length);
        Assert.All(served.Zip(expected.GreedyLogprobs), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= Tolerance, $"{pair.First} vs PyTorch {pair.Second}"));
        Assert.Equal(JsonValueKind.Null, logprobs.GetProperty("top_logprobs").ValueKind);
        Assert.Equal(expected.Prompt.Length, logprobs.GetProperty("text_offset")[0].GetInt32());
        Assert.Equal(expected.GreedyText, string.Concat(logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString())));
        var usage = body.GetProperty("usage");
        Assert.Equal(expected.PromptIds.Length, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(12, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(expected.PromptIds.Length + 12, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Completions_NThreeGreedy_GivesThreeIdenticalChoicesInOrder()
    {
        var expected = Fixtures.GenerationCases[1];

        using var response = await _client.PostJsonAsync("/v1/completions", new { model = "tiny-gpt", prompt = expected.Prompt, max_tokens = 12, temperature = 0, n = 3 });

        var body = await response.ReadJsonAsync();
        var choices = body.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c => Assert.Equal(expected.GreedyText, c.GetProperty("text").GetString()));
        Assert.Equal(expected.PromptIds.Length, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(36, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Completions_ArrayOfPrompts_OneChoicePerPromptInOrder()
    {
        var cases = Fixtures.GenerationCases.Take(2).ToArray();

        using var response = await _client.PostJsonAsync("/v1/completions", new { model = "tiny-gpt", prompt = cases.Select(c => c.Prompt).ToArray(), max_tokens = 12, temperature = 0 });

        var choices = (await response.ReadJsonAsync()).GetProperty("choices");
        Assert.Equal(cases.Select(c => c.GreedyText), choices.EnumerateArray().Select(c => c.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task CompletionsStream_ChunksConcatenateToTheTextThenUsageThenDone()
    {
        var expected = Fixtures.GenerationCases[0];

        using var response = await _client.PostJsonAsync("/v1/completions",
            new { model = "tiny-gpt", prompt = expected.Prompt, max_tokens = 12, temperature = 0, stream = true, stream_options = new { include_usage = true } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("event:", raw);
        Assert.EndsWith("data: [DONE]\n\n", raw);
        var chunks = ParseChunks(raw);
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        var withChoices = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0]).ToList();
        Assert.Equal(expected.GreedyText, string.Concat(withChoices.Select(c => c.GetProperty("text").GetString())));
        Assert.All(withChoices.SkipLast(1), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
        Assert.Equal("length", withChoices[^1].GetProperty("finish_reason").GetString());
        var last = chunks[^1];
        Assert.Equal(0, last.GetProperty("choices").GetArrayLength());
        Assert.Equal(expected.PromptIds.Length, last.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(12, last.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task CompletionsStream_WithoutIncludeUsage_HasNoUsageChunk()
    {
        using var response = await _client.PostJsonAsync("/v1/completions", new { model = "tiny-gpt", prompt = "Hello", max_tokens = 4, temperature = 0, n = 2, stream = true });

        var raw = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("data: [DONE]\n\n", raw);
        var chunks = ParseChunks(raw);
        Assert.All(chunks, c => Assert.False(c.TryGetProperty("usage", out _)));
        Assert.Equal([0, 1], chunks.Select(c => c.GetProperty("choices")[0].GetProperty("index").GetInt32()).Distinct().Order());
    }

    [Fact]
    public async Task OfficialClient_CompleteChat_ReturnsAnAssistantMessageWithUsage()
    {
        var completion = (await ChatClient().CompleteChatAsync(Conversation(), new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0 })).Value;

        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(8, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + 8, completion.Usage.TotalTokenCount);
        Assert.StartsWith("chatcmpl-", completion.Id);
    }

    [Fact]
    public async Task OfficialClient_CompleteChatStreaming_ConcatenatesToTheWholeAnswer()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0 };
        var whole = (await ChatClient().CompleteChatAsync(Conversation(), options)).Value;

        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in ChatClient().CompleteChatStreamingAsync(Conversation(), new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0 }))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(whole.Content[0].Text, text.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(8, usage?.OutputTokenCount);
    }

    [Fact]
    public async Task ChatCompletions_RawHttp_HasOpenAiShape()
    {
        using var response = await _client.PostJsonAsync("/v1/chat/completions", new
        {
            model = "tiny-gpt",
            messages = new object[] { new { role = "system", content = "Be brief." }, new { role = "user", content = new[] { new { type = "text", text = "Hello" } } } },
            max_tokens = 6,
            temperature = 0,
            n = 2,
        });

        var body = await response.ReadJsonAsync();
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        var choices = body.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices, c => Assert.Equal("assistant", c.GetProperty("message").GetProperty("role").GetString()));
        Assert.Single(choices.Select(c => c.GetProperty("message").GetProperty("content").GetString()).Distinct());
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"tiny-gpt","messages":[]}""", HttpStatusCode.BadRequest, "validation", "messages")]
    [InlineData("/v1/chat/completions", """{"model":"tiny-gpt"}""", HttpStatusCode.BadRequest, "validation", "messages")]
    [InlineData("/v1/chat/completions", """{"model":"tiny-gpt","messages":[{"role":"wizard","content":"hi"}]}""", HttpStatusCode.BadRequest, "validation", "messages[0].role")]
    [InlineData("/v1/chat/completions", """{"model":"tiny-gpt","messages":[{"role":"user","content":42}]}""", HttpStatusCode.BadRequest, "validation", "messages[0].content")]
    [InlineData("/v1/chat/completions", """{"model":"tiny-gpt","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", HttpStatusCode.BadRequest, "validation", "messages[0].content[0]")]
    [InlineData("/v1/chat/completions", """{"model":"tiny-gpt","messages":[{"role":"user","content":"hi"}],"n":0}""", HttpStatusCode.BadRequest, "validation", "n")]
    [InlineData("/v1/chat/completions", """{"model":"tiny-gpt","messages":[{"role":"user","content":"hi"}],"max_tokens":500}""", HttpStatusCode.BadRequest, "validation", "max_tokens")]
    [InlineData("/v1/chat/completions", """{"model":"tiny-gpt","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":0}""", HttpStatusCode.BadRequest, "validation", "max_completion_tokens")]
    [InlineData("/v1/chat/completions", """{"model":"tiny-gpt","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d"]}""", HttpStatusCode.BadRequest, "validation", "stop")]
    [InlineData("/v1/chat/completions", """{"model":"nope","messages":[{"role":"user","content":"hi"}]}""", HttpStatusCode.NotFound, "model_not_found", "model")]
    [InlineData("/v1/completions", """{"model":"tiny-gpt","prompt":"a","n":9}""", HttpStatusCode.BadRequest, "validation", "n")]
    [InlineData("/v1/completions", """{"model":"tiny-gpt","prompt":"a","max_tokens":500}""", HttpStatusCode.BadRequest, "validation", "max_tokens")]
    [InlineData("/v1/completions", """{"model":"tiny-gpt","prompt":"a","temperature":-1}""", HttpStatusCode.BadRequest, "validation", "temperature")]
    [InlineData("/v1/completions", """{"model":"tiny-gpt","prompt":"a","stop":["a","b","c","d","e"]}""", HttpStatusCode.BadRequest, "validation", "stop")]
    [InlineData("/v1/completions", """{"model":"tiny-gpt","prompt":["a",""]}""", HttpStatusCode.BadRequest, "validation", "prompt[1]")]
    [InlineData("/v1/completions", """{"model":"tiny-gpt","prompt":"a","echo":true}""", HttpStatusCode.BadRequest, "validation", "echo")]
    [InlineData("/v1/completions", """{"model":"tiny-gpt","prompt":"a","logprobs":6}""", HttpStatusCode.BadRequest, "validation", "logprobs")]
    [InlineData("/v1/completions", """{"model":"tiny-gpt"}""", HttpStatusCode.BadRequest, "validation", "prompt")]
    [InlineData("/v1/completions", """{"model":"nope","prompt":"a"}""", HttpStatusCode.NotFound, "model_not_found", "model")]
    [InlineData("/v1/completions", """{"model":"tiny-gpt","prompt":"a","max_tokens":"many"}""", HttpStatusCode.BadRequest, "validation", "max_tokens")]
    [InlineData("/v1/chat/completions", """{"model":"tiny-gpt","messages":[{"role":"user","content":"hi"}],""", HttpStatusCode.BadRequest, "validation", null)]
    public async Task OpenAiGeneration_BadRequest_AnswersOpenAisErrorObjectNamingTheField(string path, string json, HttpStatusCode status, string code, string? param)
    {
        using var response = await _client.PostRawAsync(path, json);

        var error = await response.AssertOpenAiErrorAsync(status, code, param);
        Assert.DoesNotContain("max_new_tokens", error.GetProperty("message").GetString());
        Assert.DoesNotContain("`inputs`", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task OpenAiGeneration_PromptOverTheContext_Answers422NamingTheFieldTheClientSent()
    {
        var words = string.Join(' ', Enumerable.Repeat("word", 300));

        using var completion = await _client.PostJsonAsync("/v1/completions", new { model = "tiny-gpt", prompt = new[] { "a", words } });
        using var chat = await _client.PostJsonAsync("/v1/chat/completions", new { model = "tiny-gpt", messages = new[] { new { role = "user", content = words } } });

        var error = await completion.AssertOpenAiErrorAsync(HttpStatusCode.UnprocessableEntity, "context_length_exceeded", "prompt[1]");
        Assert.StartsWith("`prompt[1]` has ", error.GetProperty("message").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        await chat.AssertOpenAiErrorAsync(HttpStatusCode.UnprocessableEntity, "context_length_exceeded", "messages");
    }

    [Fact]
    public async Task OfficialClient_UnknownModel_ThrowsClientResultExceptionWithOurMessage()
    {
        var client = new ChatClient("nope", new ApiKeyCredential("unused"), ClientOptions());

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync(Conversation()));

        Assert.Equal(404, error.Status);
        Assert.Contains("invalid_request_error: model_not_found", error.Message);
        Assert.Contains("Model 'nope' does not exist.", error.Message);
    }

    [Fact]
    public async Task OfficialClient_BadSetting_ThrowsClientResultExceptionNamingTheParameter()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() => ChatClient().CompleteChatAsync(Conversation(), new ChatCompletionOptions { MaxOutputTokenCount = 500 }));

        Assert.Equal(400, error.Status);
        Assert.Contains("Parameter: max_completion_tokens", error.Message);
    }

    private static ChatMessage[] Conversation() => [new SystemChatMessage("You are a helpful assistant."), new UserChatMessage("Once upon a time")];

    private ChatClient ChatClient() => new("tiny-gpt", new ApiKeyCredential("unused"), ClientOptions());

    private OpenAIClientOptions ClientOptions() => new()
    {
        Endpoint = new Uri(_client.BaseAddress!, "/v1"),
        Transport = new HttpClientPipelineTransport(server.Factory.CreateClient()),
    };

    internal static List<JsonElement> ParseChunks(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => string.Join('\n', block.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..])))
            .Where(data => data != "[DONE]")
            .Select(data => JsonDocument.Parse(data).RootElement.Clone())
            .ToList();
}
