using System.Net;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// Predictable overload: a full queue refuses at once with 429 and Retry-After, and a request whose
/// deadline passes while it waits gets 504 without running. The long queue delay holds requests in the
/// queue deterministically (a batch waits for company until then).
/// </summary>
public sealed class OverloadTests : IAsyncLifetime
{
    private readonly InferenceApiFactory _factory = new InferenceApiFactory()
        .With("Models:Defaults:QueueCapacity", "2")
        .With("Models:Defaults:MaxQueueDelayMs", "1500")
        .With("Models:Defaults:MaxBatchSize", "64")
        .With("Cache:Enabled", "false");

    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
        _client = await _factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Classify_QueueFull_Answers429AtOnceWithRetryAfter_AndQueuedRequestsStillComplete()
    {
        var filling = _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { "good", "bad" } });
        await WaitForQueueDepthAsync(2);

        var started = DateTime.UtcNow;
        using var refused = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "fun" });
        var refusedAfter = DateTime.UtcNow - started;

        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "overloaded");
        Assert.Equal(2, problem.GetProperty("limit").GetInt32());
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        using var filled = await filling;
        await filled.ReadJsonAsync();

        // Refusal does not wait for the queue: it came back while the queued batch was still waiting for company.
        Assert.True(refusedAfter < TimeSpan.FromMilliseconds(1500), $"The 429 took {refusedAfter.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Classify_MoreInputsThanTheQueueHolds_IsRefusedWhole()
    {
        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { "a", "b", "c" } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "inputs");
        Assert.Equal(2, problem.GetProperty("limit").GetInt32());
    }

    private async Task WaitForQueueDepthAsync(int depth)
    {
        await InferenceApiFactory.WaitForModelAsync(
            _client,
            "tiny-bert-cls",
            model => model.GetProperty("versions")[0].GetProperty("batching").GetProperty("queue_depth").GetInt32() >= depth,
            TimeSpan.FromSeconds(10));
    }
}
