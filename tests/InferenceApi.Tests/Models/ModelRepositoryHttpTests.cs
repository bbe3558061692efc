using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Models;

/// <summary>
/// The model repository as clients and operators see it: listings, refusals with precise reasons (one bad
/// model never stops the others), and name validation.
/// </summary>
public sealed class ModelRepositoryHttpTests : IAsyncLifetime
{
    private readonly InferenceApiFactory _factory = new();
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory.AddModel(Fixtures.TinyBertCls, "good", version: 3);

        var wrongLabels = _factory.AddModel(Fixtures.TinyBertCls, "wrong-labels");
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(wrongLabels, "config.json")))!;
        config["id2label"] = new JsonObject { ["0"] = "a", ["1"] = "b", ["2"] = "c", ["3"] = "d" };
        File.WriteAllText(Path.Combine(wrongLabels, "config.json"), config.ToJsonString());

        var noVocab = _factory.AddModel(Fixtures.TinyBertCls, "no-vocab");
        File.Delete(Path.Combine(noVocab, "vocab.txt"));

        var noModel = _factory.AddModel(Fixtures.TinyBertCls, "no-onnx");
        File.Delete(Path.Combine(noModel, "model.onnx"));

        var corrupt = _factory.AddModel(Fixtures.TinyBertCls, "corrupt");
        File.WriteAllText(Path.Combine(corrupt, "model.onnx"), "not a model");

        var badSettings = _factory.AddModel(Fixtures.TinyBertCls, "bad-settings");
        File.WriteAllText(Path.Combine(badSettings, "inference.json"), """{ "task": "translation" }""");

        var cuda = _factory.AddModel(Fixtures.TinyBertCls, "wants-cuda");
        File.WriteAllText(Path.Combine(cuda, "inference.json"), """{ "executionProvider": "Cuda" }""");

        Directory.CreateDirectory(Path.Combine(_factory.Models.Path, "bad name!"));
        _client = await _factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task ListModels_ShowsEveryModelInOpenAiShapeWithStatusTaskAndLimits()
    {
        var list = await (await _client.GetAsync("/v1/models")).ReadJsonAsync();

        Assert.Equal("list", list.GetProperty("object").GetString());
        var models = list.GetProperty("data").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);
        Assert.Equal(new[] { "bad-settings", "corrupt", "good", "no-onnx", "no-vocab", "wants-cuda", "wrong-labels" }, models.Keys.Order().ToArray());
        var good = models["good"];
        Assert.Equal("model", good.GetProperty("object").GetString());
        Assert.Equal("ready", good.GetProperty("status").GetString());
        Assert.Equal("text-classification", good.GetProperty("task").GetString());
        Assert.Equal(3, good.GetProperty("serving_version").GetInt64());
        var version = good.GetProperty("versions")[0];
        Assert.Equal(new[] { "negative", "neutral", "positive" }, version.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray());
        Assert.Equal(64, version.GetProperty("max_sequence_length").GetInt32());
        Assert.Equal(32, version.GetProperty("batching").GetProperty("max_batch_size").GetInt32());
        Assert.Equal("CPU", version.GetProperty("placement").GetString());
    }

    [Theory]
    [InlineData("wrong-labels", "4 labels but output 'logits' has width 3")]
    [InlineData("no-vocab", "vocab.txt")]
    [InlineData("no-onnx", "model.onnx is missing")]
    [InlineData("corrupt", "ONNX Runtime cannot load model.onnx")]
    [InlineData("bad-settings", "task 'translation' is unknown")]
    public async Task GetModel_RefusedModel_IsListedWithThePreciseReason(string name, string reason)
    {
        var model = await (await _client.GetAsync($"/v1/models/{name}")).ReadJsonAsync();

        Assert.Equal("unavailable", model.GetProperty("status").GetString());
        var version = model.GetProperty("versions")[0];
        Assert.Equal("failed", version.GetProperty("status").GetString());
        Assert.Contains(reason, version.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Classify_RefusedModel_Answers503WithTheReason_WhileOthersServe()
    {
        using var refused = await _client.PostJsonAsync("/v1/classify", new { model = "wrong-labels", inputs = "good" });
        using var served = await _client.PostJsonAsync("/v1/classify", new { model = "good", inputs = "good" });

        var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "model_not_ready");
        Assert.Contains("4 labels", problem.GetProperty("detail").GetString());
        await served.ReadJsonAsync();
    }

    [Fact]
    public async Task Ready_RefusedModels_MakeTheServerDegradedButReady()
    {
        var report = await (await _client.GetAsync("/health/ready")).ReadJsonAsync();

        Assert.Equal("Degraded", report.GetProperty("status").GetString());
        var entries = report.GetProperty("entries");
        Assert.Equal("Healthy", entries.GetProperty("model:good:3").GetProperty("status").GetString());
        Assert.Equal("Degraded", entries.GetProperty("model:wrong-labels:1").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Answers_AboutRefusedModels_NameFilesRelativeToTheModelsRootNeverByItsAbsolutePath()
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(_factory.Models.Path));
        string[] refused = ["wrong-labels", "no-vocab", "no-onnx", "corrupt", "bad-settings"];
        var answers = new List<string>();
        foreach (var route in new[] { "/v1/models", "/health/ready", "/v2/health/ready" }.Concat(refused.SelectMany(n => new[] { $"/v1/models/{n}", $"/v2/models/{n}", $"/v2/models/{n}/versions/1", $"/v2/models/{n}/ready" })))
        {
            using var response = await _client.GetAsync(new Uri(route, UriKind.Relative));
            answers.Add($"GET {route}: {(int)response.StatusCode} {response.Headers} {await response.Content.ReadAsStringAsync()}");
        }

        foreach (var name in refused)
        {
            using var classify = await _client.PostJsonAsync("/v1/classify", new { model = name, inputs = "good" });
            answers.Add($"POST /v1/classify {name}: {(int)classify.StatusCode} {await classify.Content.ReadAsStringAsync()}");
            using var infer = await _client.PostJsonAsync($"/v2/models/{name}/infer", new { inputs = new[] { new { name = "text", shape = new[] { 1 }, datatype = "BYTES", data = new[] { "good" } } } });
            answers.Add($"POST /v2/models/{name}/infer: {(int)infer.StatusCode} {await infer.Content.ReadAsStringAsync()}");
        }

        Assert.All(answers, answer => Assert.DoesNotContain(root, answer, StringComparison.Ordinal));
        Assert.Contains(answers, a => a.StartsWith("GET /v1/models/no-onnx: 200", StringComparison.Ordinal) && a.Contains("model.onnx is missing from no-onnx", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.StartsWith("POST /v1/classify no-onnx: 503", StringComparison.Ordinal) && a.Contains("model.onnx is missing from no-onnx", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/v1/models/no-such-model", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/v1/models/a..b", HttpStatusCode.BadRequest, "validation")]
    [InlineData("/v1/models/..%2F..%2Fetc", HttpStatusCode.BadRequest, "validation")]
    [InlineData("/v1/models/-leading-dash", HttpStatusCode.BadRequest, "validation")]
    public async Task GetModel_UnknownOrInvalidName_AnswersProblemDetails(string path, HttpStatusCode status, string errorType)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        await response.AssertProblemAsync(status, errorType);
    }

    [Fact]
    public async Task Classify_PinnedVersion_ServesIt_AndAnUnknownVersionIs404()
    {
        using var pinned = await _client.PostJsonAsync("/v1/classify", new { model = "good", inputs = "good", version = 3 });
        using var missing = await _client.PostJsonAsync("/v1/classify", new { model = "good", inputs = "good", version = 2 });

        Assert.Equal(3, (await pinned.ReadJsonAsync()).GetProperty("version").GetInt64());
        await missing.AssertProblemAsync(HttpStatusCode.NotFound, "not_found", "version");
    }

    [Fact]
    public async Task Embed_WithAClassifier_SaysWhichTaskTheModelHas()
    {
        using var response = await _client.PostJsonAsync("/v1/embed", new { model = "good", inputs = "good" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "model");
        Assert.Contains("text-classification", problem.GetProperty("detail").GetString());
    }

    // scripts/test.sh runs these two on the CPU build and again on the CUDA build (-p:UseGpu=true), where this
    // GPU-less machine lacks CUDA 13's libraries.
    [Fact]
    public async Task CudaRequested_WithoutAUsableGpu_FallsBackToTheCpuAndSaysWhy()
    {
        var model = await (await _client.GetAsync("/v1/models/wants-cuda")).ReadJsonAsync();
        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "wants-cuda", inputs = "good" });

        Assert.Equal("ready", model.GetProperty("status").GetString());
        var placement = model.GetProperty("versions")[0].GetProperty("placement").GetString()!;
#if USE_GPU
        Assert.Matches(@"^CPU \(CUDA unavailable: .*Failed to load shared library: lib[\w.+-]+\.so[.\d]* is missing\)$", placement);
#else
        Assert.Equal("CPU (CUDA unavailable: this build uses the CPU package of ONNX Runtime; publish with -p:UseGpu=true for CUDA)", placement);
#endif
        await response.ReadJsonAsync();
    }

    [Fact]
    public async Task AutoProvider_WithoutAUsableGpu_RunsOnTheCpuAndSaysWhyOnlyOnTheCudaBuild()
    {
        var model = await (await _client.GetAsync("/v1/models/good")).ReadJsonAsync();

        var placement = model.GetProperty("versions")[0].GetProperty("placement").GetString()!;
#if USE_GPU
        Assert.StartsWith("CPU (CUDA unavailable: ", placement);
        Assert.EndsWith(" is missing)", placement);
#else
        Assert.Equal("CPU", placement);
#endif
    }

    internal static JsonElement Version(JsonElement model, long version) =>
        model.GetProperty("versions").EnumerateArray().First(v => v.GetProperty("version").GetInt64() == version);
}
