using System.Net;
using System.Text.Json;
using InferenceApi.Tests.Endpoints;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.KServe;

/// <summary>The Open Inference Protocol against the independent BERT fixture: metadata, health, and inference that matches PyTorch and /v1/classify.</summary>
public sealed class KServeV2EndpointsTests(ClassifierServer server) : IClassFixture<ClassifierServer>
{
    private const double Tolerance = 1e-4;
    private static readonly string[] Labels = ["negative", "neutral", "positive"];
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task ServerMetadata_NamesTheServerAndItsExtensions()
    {
        using var response = await _client.GetAsync("/v2");

        var body = await response.ReadJsonAsync();
        Assert.Equal("inference-api", body.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
        Assert.Equal(["binary_tensor_data", "model_repository", "generate"], body.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    [InlineData("/v2/models/tiny-bert-cls/ready")]
    [InlineData("/v2/models/tiny-bert-cls/versions/1/ready")]
    public async Task Health_LoadedServerAndModel_Answer200(string path)
    {
        using var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/v2/models/no-such-model/ready", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/tiny-bert-cls/versions/7/ready", HttpStatusCode.NotFound)]
    [InlineData("/v2/models/-bad/ready", HttpStatusCode.BadRequest)]
    [InlineData("/v2/models/tiny-bert-cls/versions/0/ready", HttpStatusCode.BadRequest)]
    public async Task ModelReady_UnknownOrInvalid_AnswersAKServeError(string path, HttpStatusCode status)
    {
        using var response = await _client.GetAsync(path);

        await response.AssertKServeErrorAsync(status);
    }

    [Theory]
    [InlineData("/v2/models/tiny-bert-cls")]
    [InlineData("/v2/models/tiny-bert-cls/versions/1")]
    public async Task ModelMetadata_ListsTokenAndTextInputsAndLogits(string path)
    {
        using var response = await _client.GetAsync(path);

        var body = await response.ReadJsonAsync();
        Assert.Equal("tiny-bert-cls", body.GetProperty("name").GetString());
        Assert.Equal(["1"], body.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnxruntime_onnx", body.GetProperty("platform").GetString());
        var inputs = body.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        AssertTensor(inputs["input_ids"], "INT64", [-1, -1]);
        AssertTensor(inputs["attention_mask"], "INT64", [-1, -1]);
        AssertTensor(inputs["text"], "BYTES", [-1]);
        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal("logits", output.GetProperty("name").GetString());
        AssertTensor(output, "FP32", [-1, 3]);
    }

    [Fact]
    public async Task Infer_PaddedIdsWithMask_SoftmaxMatchesPyTorchAndClassify()
    {
        var cases = Fixtures.ClassifierCases;

        using var response = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", KServeAssertions.PaddedIdsRequest(cases));

        var body = await response.ReadJsonAsync();
        Assert.Equal("tiny-bert-cls", body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        var output = Assert.Single(body.GetProperty("outputs").EnumerateArray());
        Assert.Equal([cases.Count, 3], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var rows = KServeAssertions.Rows(body, "logits");
        var classify = await ClassifyScoresAsync(cases.Select(c => c.Text).ToArray());
        for (var i = 0; i < cases.Count; i++)
        {
            var softmax = KServeAssertions.Softmax(rows[i]);
            for (var l = 0; l < Labels.Length; l++)
            {
                Assert.Equal(cases[i].Scores[Labels[l]], softmax[l], Tolerance);
                Assert.Equal(classify[i][Labels[l]], softmax[l], Tolerance);
            }
        }
    }

    [Fact]
    public async Task Infer_TextTensor_GivesTheSameLogitsAsTokenIds()
    {
        var cases = Fixtures.ClassifierCases;

        using var byText = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", KServeAssertions.TextRequest(cases.Select(c => c.Text).ToArray()));
        using var byIds = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", KServeAssertions.PaddedIdsRequest(cases));

        var textRows = KServeAssertions.Rows(await byText.ReadJsonAsync(), "logits");
        var idRows = KServeAssertions.Rows(await byIds.ReadJsonAsync(), "logits");
        for (var i = 0; i < cases.Count; i++)
        {
            Assert.Equal(idRows[i], textRows[i], (a, b) => Math.Abs(a - b) < 1e-5);
            var softmax = KServeAssertions.Softmax(textRows[i]);
            Assert.Equal(cases[i].Scores["positive"], softmax[2], Tolerance);
        }
    }

    [Fact]
    public async Task Infer_WithoutMask_TakesEachRowWhole()
    {
        var expected = Fixtures.ClassifierCases[1];
        var request = new
        {
            inputs = new object[] { new { name = "input_ids", shape = new[] { 1, expected.Ids.Length }, datatype = "INT64", data = expected.Ids } },
        };

        using var response = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", request);

        var softmax = KServeAssertions.Softmax(KServeAssertions.Rows(await response.ReadJsonAsync(), "logits")[0]);
        Assert.Equal(expected.Scores["neutral"], softmax[1], Tolerance);
    }

    [Fact]
    public async Task Infer_IdAndOutputSelection_EchoesIdAndReturnsTheOutputAsked()
    {
        var request = KServeAssertions.PaddedIdsRequest(Fixtures.ClassifierCases.Take(2).ToList(), id: "req-42", outputs: [new { name = "logits" }]);

        using var response = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", request);

        var body = await response.ReadJsonAsync();
        Assert.Equal("req-42", body.GetProperty("id").GetString());
        Assert.Equal("logits", Assert.Single(body.GetProperty("outputs").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Infer_PinnedVersion_AnswersFromThatVersion()
    {
        using var response = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/versions/1/infer", KServeAssertions.TextRequest(["a fine film"]));

        var body = await response.ReadJsonAsync();
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal("1", response.Header("x-model-version"));
    }

    [Fact]
    public async Task Infer_TooLongText_Answers422UnlessTruncateIsSet()
    {
        var text = string.Join(' ', Enumerable.Repeat("good", await MaxSequenceLengthAsync() + 5));

        using var refused = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", KServeAssertions.TextRequest([text]));
        using var truncated = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", KServeAssertions.TextRequest([text], truncate: true));

        await refused.AssertKServeErrorAsync(HttpStatusCode.UnprocessableEntity, "truncate");
        Assert.Single(KServeAssertions.Rows(await truncated.ReadJsonAsync(), "logits"));
    }

    [Fact]
    public async Task Infer_TooManyIds_Answers422()
    {
        var length = await MaxSequenceLengthAsync() + 1;
        var request = new
        {
            inputs = new object[] { new { name = "input_ids", shape = new[] { 1, length }, datatype = "INT64", data = Enumerable.Repeat(5, length).ToArray() } },
        };

        using var response = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", request);

        await response.AssertKServeErrorAsync(HttpStatusCode.UnprocessableEntity, "at most");
    }

    [Fact]
    public async Task Infer_IdsOutsideTheVocabulary_Answers400()
    {
        var vocabulary = File.ReadLines(Path.Combine(Fixtures.TinyBertCls, "vocab.txt")).Count();
        var request = new
        {
            inputs = new object[] { new { name = "input_ids", shape = new[] { 1, 3 }, datatype = "INT64", data = new[] { 2, vocabulary, 3 } } },
        };

        using var response = await _client.PostJsonAsync("/v2/models/tiny-bert-cls/infer", request);

        await response.AssertKServeErrorAsync(HttpStatusCode.BadRequest, "vocabulary");
    }

    private static void AssertTensor(JsonElement tensor, string datatype, long[] shape)
    {
        Assert.Equal(datatype, tensor.GetProperty("datatype").GetString());
        Assert.Equal(shape, tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    private async Task<int> MaxSequenceLengthAsync()
    {
        using var response = await _client.GetAsync("/v1/models/tiny-bert-cls");
        return (await response.ReadJsonAsync()).GetProperty("versions")[0].GetProperty("max_sequence_length").GetInt32();
    }

    private async Task<Dictionary<string, double>[]> ClassifyScoresAsync(string[] texts)
    {
        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = texts });
        var results = (await response.ReadJsonAsync()).GetProperty("results");
        return results.EnumerateArray()
            .Select(r => r.GetProperty("labels").EnumerateArray().ToDictionary(l => l.GetProperty("label").GetString()!, l => l.GetProperty("score").GetDouble()))
            .ToArray();
    }
}
