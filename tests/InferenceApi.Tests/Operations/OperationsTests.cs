using System.Text.Json;
using InferenceApi.Tests.Endpoints;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Operations;

public sealed class OperationsTests(ClassifierServer server) : IClassFixture<ClassifierServer>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Live_AlwaysHealthy_InTheHealthChecksUiFormat()
    {
        var report = await (await _client.GetAsync("/health/live")).ReadJsonAsync();

        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.True(report.TryGetProperty("totalDuration", out _));
    }

    [Fact]
    public async Task Ready_ListsEachModelAndRedis()
    {
        var report = await (await _client.GetAsync("/health/ready")).ReadJsonAsync();

        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        var entries = report.GetProperty("entries");
        Assert.Equal("Healthy", entries.GetProperty("model:tiny-bert-cls:1").GetProperty("status").GetString());
        Assert.Contains("not configured", entries.GetProperty("redis").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Swagger_EveryPostEndpointHasARequestExample()
    {
        var document = await (await _client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();

        var posts = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("post", out _))
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("post"));
        Assert.Superset(new HashSet<string> { "/v1/classify", "/v1/embed", "/v1/embeddings", "/v1/tokenize", "/v1/detokenize", "/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}/infer" }, posts.Keys.ToHashSet());
        // Triton's model control takes no body (load, unload) or an optional one (index).
        string[] bodiless = ["/v2/repository/index", "/v2/repository/models/{name}/load", "/v2/repository/models/{name}/unload"];
        Assert.All(bodiless, path => Assert.False(posts[path].TryGetProperty("requestBody", out _), $"{path} documents a body"));
        foreach (var (path, post) in posts.Where(p => !bodiless.Contains(p.Key)))
        {
            var example = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example");
            Assert.True(example.ValueKind == JsonValueKind.Object, $"{path} has no example");
            // KServe v2 names the model in the route; its example carries the tensors, or the text of the generate extension.
            var required = !path.Contains("{name}", StringComparison.Ordinal) ? "model"
                : path.EndsWith("/generate", StringComparison.Ordinal) || path.EndsWith("/generate_stream", StringComparison.Ordinal) ? "text_input" : "inputs";
            Assert.True(example.TryGetProperty(required, out _), $"{path}'s example has no {required}");
        }

        using var ui = await _client.GetAsync("/swagger/index.html");
        Assert.True(ui.IsSuccessStatusCode);
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethod_AnswerProblemDetails()
    {
        using var unknown = await _client.GetAsync("/v1/no-such-endpoint");
        using var wrongMethod = await _client.GetAsync("/v1/classify");

        await unknown.AssertProblemAsync(System.Net.HttpStatusCode.NotFound, "not_found");
        await wrongMethod.AssertProblemAsync(System.Net.HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task Metrics_ExportRequestsQueueBatchComputeAndCacheInstruments()
    {
        using (await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "fun plot " + Guid.NewGuid().ToString("N")[..4] }))
        {
        }

        var metrics = await _client.GetStringAsync("/metrics");

        Assert.Contains("inference_requests_total{", metrics);
        Assert.Contains("model=\"tiny-bert-cls\"", metrics);
        Assert.Contains("inference_queue_duration_seconds_bucket", metrics);
        Assert.Contains("inference_compute_duration_seconds_bucket", metrics);
        Assert.Contains("inference_batch_size_bucket", metrics);
        Assert.Contains("inference_queue_depth", metrics);
        Assert.Contains("inference_cache_misses", metrics);
    }
}
