using InferenceApi.Tests.Endpoints;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.KServe;

/// <summary>KServe v2 on a feature-extraction model: raw mean-pooled embeddings, equal to /v1/embed without normalisation.</summary>
public sealed class KServeV2EmbeddingsTests(EmbeddingServer server) : IClassFixture<EmbeddingServer>
{
    private const float Tolerance = 1e-5f;
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Metadata_EmbeddingsModel_ListsEmbeddingsOutput()
    {
        using var response = await _client.GetAsync("/v2/models/embedder");

        var output = Assert.Single((await response.ReadJsonAsync()).GetProperty("outputs").EnumerateArray());
        Assert.Equal("embeddings", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 32L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Infer_TextAndIds_EqualEmbedWithoutNormalisation()
    {
        var cases = Fixtures.ClassifierCases;
        var texts = cases.Select(c => c.Text).ToArray();

        using var embed = await _client.PostJsonAsync("/v1/embed", new { model = "embedder", inputs = texts, normalize = false });
        using var byText = await _client.PostJsonAsync("/v2/models/embedder/infer", KServeAssertions.TextRequest(texts));
        using var byIds = await _client.PostJsonAsync("/v2/models/embedder/infer", KServeAssertions.PaddedIdsRequest(cases));

        var expected = (await embed.ReadJsonAsync()).GetProperty("embeddings").EnumerateArray()
            .Select(v => v.EnumerateArray().Select(x => x.GetSingle()).ToArray()).ToArray();
        var textRows = KServeAssertions.Rows(await byText.ReadJsonAsync(), "embeddings");
        var idRows = KServeAssertions.Rows(await byIds.ReadJsonAsync(), "embeddings");
        Assert.Equal(expected.Length, textRows.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], textRows[i], (a, b) => Math.Abs(a - b) <= Tolerance);
            Assert.Equal(expected[i], idRows[i], (a, b) => Math.Abs(a - b) <= Tolerance);
        }
    }

    [Fact]
    public async Task Infer_ClassifierThroughTheSameServer_StillAnswersLogits()
    {
        using var response = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", KServeAssertions.TextRequest(["great"]));

        Assert.Single(KServeAssertions.Rows(await response.ReadJsonAsync(), "logits"));
    }
}
