using System.Net.Http.Headers;
using System.Text;
using CsCheck;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// Property: whatever a client sends, the answer is never a server error. Each endpoint family gets valid bodies
/// mutated at random (<see cref="JsonMutator"/>, <see cref="MultipartMutator"/>), a fixed number of times per run;
/// a status of 500 or more, or an internal error event inside a stream, fails with the smallest mutation CsCheck finds
/// and the seed that replays it (set <c>CsCheck_Seed</c> to it to rerun exactly that case).
/// </summary>
public sealed class NoServerErrorPropertyTests(AllModelsServer server) : IClassFixture<AllModelsServer>
{
    /// <summary>Per family: enough to reach every mutation kind on every body many times, a few seconds each on CI.</summary>
    private const int Iterations = 300;

    private static readonly string Png = Convert.ToBase64String(File.ReadAllBytes(Fixtures.ImageCases[0].Path));

    private static readonly (string Path, string Json)[] TaskApi =
    [
        ("/v1/classify", """{"model": "tiny-bert-cls", "inputs": ["a fine film", "dull"], "top_k": 2, "truncate": true}"""),
        ("/v1/embed", """{"model": "tiny-bert-cls", "inputs": "a fine film", "normalize": true}"""),
        ("/v1/generate", """{"model": "tiny-gpt", "prompt": "in the", "max_new_tokens": 4, "temperature": 0.7, "top_k": 5, "top_p": 0.9, "repetition_penalty": 1.2, "stop": ["x"], "seed": 7, "logprobs": true}"""),
        ("/v1/generate", """{"model": "tiny-gpt", "prompt": "in the", "max_new_tokens": 3, "stream": true}"""),
        ("/v1/tokenize", """{"model": "tiny-gpt", "inputs": ["in the", "end"]}"""),
        ("/v1/detokenize", """{"model": "tiny-bert-cls", "ids": [101, 2023, 102]}"""),
        ("/v1/images/classify", $$"""{"model": "tiny-vit", "images": ["{{Png}}"], "top_k": 2, "version": 1}"""),
    ];

    private static readonly (string Path, string Json)[] OpenAi =
    [
        ("/v1/completions", """{"model": "tiny-gpt", "prompt": ["in the", "it was"], "max_tokens": 3, "temperature": 0.5, "top_p": 0.9, "n": 2, "stop": "x", "seed": 1, "logprobs": 0}"""),
        ("/v1/completions", """{"model": "tiny-gpt", "prompt": "in the", "max_tokens": 3, "stream": true, "stream_options": {"include_usage": true}}"""),
        ("/v1/chat/completions", """{"model": "tiny-gpt", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": [{"type": "text", "text": "hi"}]}], "max_completion_tokens": 3, "seed": 3}"""),
        ("/v1/chat/completions", """{"model": "tiny-gpt", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 3, "stream": true}"""),
        ("/v1/embeddings", """{"model": "tiny-bert-cls", "input": ["a", "b"], "encoding_format": "base64"}"""),
    ];

    private static readonly (string Path, string Json)[] KServe =
    [
        ("/v2/models/tiny-bert-cls/infer", """{"id": "1", "inputs": [{"name": "text", "datatype": "BYTES", "shape": [2], "data": ["good", "bad"], "parameters": {"truncate": true}}], "outputs": [{"name": "logits"}]}"""),
        ("/v2/models/tiny-bert-cls/versions/1/infer", """{"inputs": [{"name": "input_ids", "datatype": "INT64", "shape": [1, 4], "data": [[2, 5, 7, 3]]}, {"name": "attention_mask", "datatype": "INT64", "shape": [1, 4], "data": [1, 1, 1, 1]}]}"""),
        ("/v2/models/tiny-vit/infer", $$"""{"inputs": [{"name": "image", "datatype": "BYTES", "shape": [1], "data": ["{{Png}}"]}]}"""),
        ("/v2/models/tiny-vit/infer", $$"""{"inputs": [{"name": "pixel_values", "datatype": "FP32", "shape": [1, 3, 32, 32], "data": [{{string.Join(',', Enumerable.Repeat("0.5", 3 * 32 * 32))}}]}]}"""),
    ];

    private readonly HttpClient _client = server.Client;

    [Fact]
    public Task TaskApi_MutatedJsonBodies_NeverAnswer5xx() => SampleJsonAsync(TaskApi);

    [Fact]
    public Task OpenAi_MutatedJsonBodies_NeverAnswer5xx() => SampleJsonAsync(OpenAi);

    [Fact]
    public Task KServe_MutatedTensors_NeverAnswer5xx() => SampleJsonAsync(KServe);

    [Fact]
    public Task ImageUpload_MutatedMultipart_NeverAnswers5xx()
    {
        var png = File.ReadAllBytes(Fixtures.ImageCases[0].Path);
        var valid = new[] { MultipartMutator.Valid("tiny-vit", [png]), MultipartMutator.Valid("tiny-vit", [png, File.ReadAllBytes(Fixtures.ImageCases[1].Path)]) };
        return Gen.Select(Gen.Int[0, valid.Length - 1], MultipartMutator.Plans).SampleAsync(
            async (index, plan) =>
            {
                var (body, contentType) = MultipartMutator.Apply(valid[index], plan);
                var content = new ByteArrayContent(body);
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                using var response = await _client.PostAsync("/v1/images/classify", content);
                await AssertNoServerErrorAsync(response, $"{contentType}: {Excerpt(body)}");
            },
            iter: Iterations,
            print: t => $"body {t.Item1}, mutations {string.Join(' ', t.Item2)}");
    }

    private Task SampleJsonAsync((string Path, string Json)[] bodies) =>
        Gen.Select(Gen.Int[0, bodies.Length - 1], JsonMutator.Plans).SampleAsync(
            async (index, plan) =>
            {
                var (path, json) = bodies[index];
                var body = JsonMutator.Apply(json, plan);
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _client.PostAsync(path, content);
                await AssertNoServerErrorAsync(response, $"{path} {Excerpt(body)}");
            },
            iter: Iterations,
            print: t => $"{bodies[t.Item1].Path}, mutations {string.Join(' ', t.Item2)}");

    private static async Task AssertNoServerErrorAsync(HttpResponseMessage response, string request)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {request}\n{Excerpt(Encoding.UTF8.GetBytes(body))}");

        // A stream has answered 200 before it fails; a failure inside it must not be a server error either.
        foreach (var serverError in new[] { "\"errorType\":\"internal\"", "\"code\":\"internal\"", "\"errorType\":\"backend\"", "\"code\":\"backend\"" })
        {
            Assert.False(body.Contains(serverError, StringComparison.Ordinal), $"{serverError} in the answer to {request}\n{Excerpt(Encoding.UTF8.GetBytes(body))}");
        }
    }

    private static string Excerpt(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length <= 400 ? text : text[..400] + "…";
    }
}
