using System.Buffers.Binary;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text.Json;
using InferenceApi.Core.Backends;
using InferenceApi.Tests.Infrastructure;
using Microsoft.ML.OnnxRuntime;
using OpenAI;
using OpenAI.Embeddings;

namespace InferenceApi.Tests.Endpoints;

public sealed class EmbeddingsEndpointsTests(EmbeddingServer server) : IClassFixture<EmbeddingServer>
{
    private const float Tolerance = 1e-5f;
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Embed_FixtureText_EqualsTheMaskedMeanOfARawOnnxRuntimeRun()
    {
        var expected = Fixtures.ClassifierCases[0];

        using var response = await _client.PostJsonAsync("/v1/embed", new { model = "embedder", inputs = expected.Text, normalize = false });

        var body = await response.ReadJsonAsync();
        Assert.Equal(32, body.GetProperty("dimensions").GetInt32());
        AssertClose(RawMeanPool(expected.Ids), Vector(body.GetProperty("embeddings")[0]));
    }

    [Fact]
    public async Task Embed_ListOfDifferentLengths_EachEqualsItsVectorAlone()
    {
        var texts = Fixtures.ClassifierCases.Select(c => c.Text).ToArray();

        using var batched = await _client.PostJsonAsync("/v1/embed", new { model = "embedder", inputs = texts, normalize = false });

        var vectors = (await batched.ReadJsonAsync()).GetProperty("embeddings");
        for (var i = 0; i < texts.Length; i++)
        {
            AssertClose(RawMeanPool(Fixtures.ClassifierCases[i].Ids), Vector(vectors[i]));
        }
    }

    [Fact]
    public async Task Embed_ByDefault_ReturnsUnitVectorsInTheSameDirection()
    {
        var expected = Fixtures.ClassifierCases[2];

        using var response = await _client.PostJsonAsync("/v1/embed", new { model = "embedder", inputs = new[] { expected.Text } });

        var vector = Vector((await response.ReadJsonAsync()).GetProperty("embeddings")[0]);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 4);
        var raw = RawMeanPool(expected.Ids);
        var norm = (float)Math.Sqrt(raw.Sum(v => (double)v * v));
        AssertClose(raw.Select(v => v / norm).ToArray(), vector);
    }

    [Fact]
    public async Task OpenAiEmbeddings_FloatAndBase64_CarryTheSameVectorAndUsage()
    {
        var text = Fixtures.ClassifierCases[1].Text;

        using var asFloat = await _client.PostJsonAsync("/v1/embeddings", new { model = "embedder", input = text });
        using var asBase64 = await _client.PostJsonAsync("/v1/embeddings", new { model = "embedder", input = new[] { text }, encoding_format = "base64" });

        var floatBody = await asFloat.ReadJsonAsync();
        Assert.Equal("list", floatBody.GetProperty("object").GetString());
        Assert.Equal("embedding", floatBody.GetProperty("data")[0].GetProperty("object").GetString());
        Assert.Equal(Fixtures.ClassifierCases[1].Ids.Length, floatBody.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        var bytes = Convert.FromBase64String((await asBase64.ReadJsonAsync()).GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
        AssertClose(Vector(floatBody.GetProperty("data")[0].GetProperty("embedding")), decoded);
    }

    [Fact]
    public async Task OfficialOpenAiClient_GeneratesEmbeddingsAgainstThisServer()
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(_client.BaseAddress!, "/v1"),
            Transport = new HttpClientPipelineTransport(server.Factory.CreateClient()),
        };
        var client = new EmbeddingClient("embedder", new ApiKeyCredential("unused"), options);

        var result = await client.GenerateEmbeddingsAsync([Fixtures.ClassifierCases[0].Text, Fixtures.ClassifierCases[3].Text]);

        Assert.Equal(2, result.Value.Count);
        var raw = RawMeanPool(Fixtures.ClassifierCases[3].Ids);
        var norm = (float)Math.Sqrt(raw.Sum(v => (double)v * v));
        AssertClose(raw.Select(v => v / norm).ToArray(), result.Value[1].ToFloats().ToArray());
        Assert.Equal(Fixtures.ClassifierCases[0].Ids.Length + Fixtures.ClassifierCases[3].Ids.Length, result.Value.Usage.InputTokenCount);
    }

    [Theory]
    [InlineData("""{"model":"embedder","input":"a","encoding_format":"int8"}""", "encoding_format")]
    [InlineData("""{"model":"embedder","input":"a","dimensions":8}""", "dimensions")]
    [InlineData("""{"model":"embedder","input":[1,2,3]}""", "input")]
    [InlineData("""{"model":"embedder","input":""}""", "input")]
    [InlineData("""{"model":"tiny-bert-cls","input":"a"}""", "model")]
    public async Task OpenAiEmbeddings_BadRequest_AnswersOpenAisErrorObjectNamingTheField(string json, string field)
    {
        using var response = await _client.PostRawAsync("/v1/embeddings", json);

        var error = await response.AssertOpenAiErrorAsync(HttpStatusCode.BadRequest, "validation", field);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"model":"embedder","inputs":"a","normalize":"yes"}""", "/v1/embed", "normalize")]
    [InlineData("""{"model":"tiny-bert-cls","inputs":"a"}""", "/v1/embed", "model")]
    [InlineData("""{"model":"embedder","inputs":"a"}""", "/v1/classify", "model")]
    public async Task Embeddings_BadRequest_Answers400NamingTheField(string json, string path, string field)
    {
        using var response = await _client.PostRawAsync(path, json);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", field);
    }

    private static float[] Vector(JsonElement element) => element.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"[{i}] expected {expected[i]}, served {actual[i]}");
        }
    }

    /// <summary>The reference: one unpadded ONNX Runtime run of the derived model and a plain average over positions.</summary>
    private float[] RawMeanPool(int[] ids)
    {
        using var session = new InferenceSession(server.EmbedderModelFile);
        long[] shape = [1, ids.Length];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids.Select(i => (long)i).ToArray(), shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, ids.Length).ToArray(), shape);
        using var types = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [OptimumLayout.InputIds, OptimumLayout.AttentionMask, OptimumLayout.TokenTypeIds], [inputIds, mask, types], [OptimumLayout.LastHiddenState]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var size = hidden.Length / ids.Length;
        var mean = new float[size];
        for (var p = 0; p < ids.Length; p++)
        {
            for (var h = 0; h < size; h++)
            {
                mean[h] += hidden[(p * size) + h] / ids.Length;
            }
        }

        return mean;
    }
}
