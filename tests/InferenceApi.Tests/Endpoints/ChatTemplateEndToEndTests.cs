using System.Net;
using System.Text.Json;
using InferenceApi.Core.Backends;
using InferenceApi.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// /v1/chat/completions end to end with a model folder that has a tokenizer.json and a Jinja chat template: the prompt
/// the server builds has the reference renderer's text and the reference tokenizer's ids (usage.prompt_tokens), and the
/// greedy answer, plain and streamed, is the text of the ids an independent greedy loop computes — ONNX Runtime called
/// directly on those reference ids, with no KV cache, scheduler or tokenizer of the server's.
/// </summary>
public sealed class ChatTemplateEndToEndTests(ChatTemplateServer server) : IClassFixture<ChatTemplateServer>
{
    private const int MaxTokens = 12;

    private readonly HttpClient _client = server.Client;

    public static TheoryData<int> Served() =>
        new(Reference().EnumerateArray().Select((served, index) => (served, index)).Where(s => s.served.GetProperty("model").GetString() == "tiny-gpt-chat").Select(s => s.index));

    [Theory]
    [MemberData(nameof(Served))]
    public async Task ChatCompletions_TemplateModel_AnswersTheIndependentGreedyText(int index)
    {
        (JsonElement messages, int[] promptIds, string expected) = Expected(index);

        using var response = await _client.PostJsonAsync("/v1/chat/completions", new { model = "tiny-gpt-chat", messages, max_tokens = MaxTokens, temperature = 0 });

        var body = await response.ReadJsonAsync();
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(expected, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(promptIds.Length, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(MaxTokens, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [MemberData(nameof(Served))]
    public async Task ChatCompletionsStream_TemplateModel_ChunksJoinToTheIndependentGreedyText(int index)
    {
        (JsonElement messages, int[] promptIds, string expected) = Expected(index);

        using var response = await _client.PostJsonAsync("/v1/chat/completions",
            new { model = "tiny-gpt-chat", messages, max_tokens = MaxTokens, temperature = 0, stream = true, stream_options = new { include_usage = true } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var chunks = OpenAiGenerationTests.ParseChunks(await response.Content.ReadAsStringAsync());
        var deltas = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0].GetProperty("delta")).ToList();
        Assert.Equal(expected, string.Concat(deltas.Select(d => d.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : string.Empty)));
        Assert.Equal(promptIds.Length, chunks[^1].GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletions_TemplateThatDoesNotParse_AnswersBadRequestNamingTheConstruct()
    {
        using var response = await _client.PostJsonAsync("/v1/chat/completions", new { model = "tiny-gpt-bad-template", messages = new[] { new { role = "user", content = "Hi" } } });

        var error = await response.AssertOpenAiErrorAsync(HttpStatusCode.BadRequest, "validation", "messages");
        Assert.Contains("{% include %} tag is not supported", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ChatCompletions_TemplateThatRaises_AnswersBadRequestWithTheTemplatesMessage()
    {
        using var response = await _client.PostJsonAsync("/v1/chat/completions",
            new { model = "tiny-gpt-no-system", messages = new[] { new { role = "system", content = "Be brief." }, new { role = "user", content = "Hi" } } });

        var error = await response.AssertOpenAiErrorAsync(HttpStatusCode.BadRequest, "validation", "messages");
        Assert.Contains("System role not supported", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Completions_TemplateModelWithoutSystemRaise_StillServesPlainPrompts()
    {
        using var response = await _client.PostJsonAsync("/v1/completions", new { model = "tiny-gpt-bad-template", prompt = "Hello", max_tokens = 3, temperature = 0 });

        var body = await response.ReadJsonAsync();
        Assert.Equal(3, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Models_TokenizerLargerThanTheLogits_IsRefusedWithBothSizes()
    {
        var model = await (await _client.GetAsync("/v1/models/tiny-gpt-llama2-tokenizer")).ReadJsonAsync();

        var version = model.GetProperty("versions")[0];
        Assert.Equal("failed", version.GetProperty("status").GetString());
        Assert.Contains("the tokenizer has 32000 tokens but the model's logits cover only 265", version.GetProperty("reason").GetString());
    }

    private static JsonElement Reference()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "fixtures", "chat-templates", "references.json")));
        return document.RootElement.GetProperty("served").Clone();
    }

    private (JsonElement Messages, int[] PromptIds, string Text) Expected(int index)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "fixtures", "chat-templates", "references.json")));
        JsonElement served = document.RootElement.GetProperty("served")[index];
        JsonElement messages = document.RootElement.GetProperty("conversations").GetProperty(served.GetProperty("conversation").GetString()!).Clone();
        int[] promptIds = [.. served.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32())];
        int[] greedy = GreedyWithoutCache(Path.Combine(server.ModelFolder, "model.onnx"), promptIds, MaxTokens);
        return (messages, promptIds, DecodeBytes(greedy).TrimStart());
    }

    // The whole sequence through the graph at every step (empty past), the arg max of the last position's logits.
    private static int[] GreedyWithoutCache(string modelPath, int[] prompt, int count)
    {
        using var session = new InferenceSession(modelPath);
        var ids = prompt.Select(i => (long)i).ToList();
        var generated = new List<int>();
        for (int step = 0; step < count; step++)
        {
            int n = ids.Count;
            var inputs = new List<NamedOnnxValue>
            {
                NamedOnnxValue.CreateFromTensor(OptimumLayout.InputIds, new DenseTensor<long>(ids.ToArray(), [1, n])),
                NamedOnnxValue.CreateFromTensor(OptimumLayout.AttentionMask, new DenseTensor<long>(Enumerable.Repeat(1L, n).ToArray(), [1, n])),
                NamedOnnxValue.CreateFromTensor(OptimumLayout.PositionIds, new DenseTensor<long>(Enumerable.Range(0, n).Select(i => (long)i).ToArray(), [1, n])),
            };
            foreach (var input in session.InputMetadata.Where(i => i.Key.StartsWith(OptimumLayout.PastPrefix, StringComparison.Ordinal)))
            {
                int[] shape = [1, input.Value.Dimensions[1], 0, input.Value.Dimensions[3]];
                inputs.Add(NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<float>(shape)));
            }

            using var results = session.Run(inputs);
            var logits = results.First(r => r.Name == OptimumLayout.Logits).AsTensor<float>();
            int vocabulary = logits.Dimensions[2];
            int best = 0;
            for (int v = 1; v < vocabulary; v++)
            {
                if (logits[0, n - 1, v] > logits[0, n - 1, best])
                {
                    best = v;
                }
            }

            generated.Add(best);
            ids.Add(best);
        }

        return [.. generated];
    }

    // GPT-2's byte alphabet read back from the fixture's vocabulary: each token's characters are its bytes.
    private static string DecodeBytes(int[] ids)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.TinyGpt, "vocab.json")));
        var tokenOf = document.RootElement.EnumerateObject().ToDictionary(p => p.Value.GetInt32(), p => p.Name);
        var byteOf = new Dictionary<char, byte>();
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            byteOf[printable ? (char)b : (char)(256 + next++)] = (byte)b;
        }

        var bytes = ids.Where(id => tokenOf[id] != "<|endoftext|>").SelectMany(id => tokenOf[id].Select(c => byteOf[c])).ToArray();
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
