using System.Net;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// Predictable overload: a full queue refuses at once with 429 and Retry-After. The long queue delay holds
/// requests in the queue deterministically (a partial batch waits for company until then).
/// </summary>
public sealed class OverloadTests() : SingleModelServer(("Models:Defaults:QueueCapacity", "2"), ("Models:Defaults:MaxQueueDelayMs", "1500"), ("Models:Defaults:MaxBatchSize", "64"), ("Cache:Enabled", "false"))
{
    [Fact]
    public async Task Classify_QueueFull_Answers429AtOnceWithRetryAfter_AndQueuedRequestsStillComplete()
    {
        var filling = Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { "good", "bad" } });
        await WaitForQueueDepthAsync(2);

        using var refused = await Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "fun" });

        // Refusal does not wait for the queue: it came back while the queued batch was still waiting for company.
        Assert.False(filling.IsCompleted);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "overloaded");
        Assert.Equal(2, problem.GetProperty("limit").GetInt32());
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        using var filled = await filling;
        await filled.ReadJsonAsync();
    }

    [Fact]
    public async Task Classify_MoreInputsThanTheQueueHolds_IsRefusedWhole()
    {
        using var response = await Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { "a", "b", "c" } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "inputs");
        Assert.Equal(2, problem.GetProperty("limit").GetInt32());
    }
}
