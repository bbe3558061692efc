using System.Net;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// Predictable overload, on a fake clock: a partial batch waits for company until the queue delay passes, and that
/// time moves only when the test moves it, so the queue stays full exactly as long as the test says.
/// </summary>
public sealed class OverloadTests : SingleModelServer
{
    private static readonly TimeSpan QueueDelay = TimeSpan.FromMilliseconds(1500);

    private readonly FakeTimeProvider _clock = new();

    public OverloadTests()
        : base(("Models:Defaults:QueueCapacity", "2"), ("Models:Defaults:MaxQueueDelayMs", "1500"), ("Models:Defaults:MaxQueueTimeMs", "10000"), ("Models:Defaults:MaxBatchSize", "64"), ("Cache:Enabled", "false")) =>
        Factory.WithClock(_clock);

    [Fact]
    public async Task Classify_QueueFull_Answers429AtOnceWithRetryAfter_AndQueuedRequestsStillComplete()
    {
        var filling = Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { "good", "bad" } });
        await WaitForQueueDepthAsync(2);

        using var refused = await Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "fun" });

        // The refusal did not wait for the queue: the queued batch cannot run before the clock passes the queue delay.
        Assert.False(filling.IsCompleted);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "overloaded");
        Assert.Equal(2, problem.GetProperty("limit").GetInt32());

        // The two waiting need one round (a batch of up to 64 on the one instance); no batch has run yet, so a round is
        // the scheduler's first guess of 50 ms, rounded up to a whole second.
        Assert.Equal("1", refused.Header("Retry-After"));

        _clock.Advance(QueueDelay);
        using var filled = await filling;
        await filled.ReadJsonAsync();
        Assert.Equal("1500", filled.Header("x-queue-time"));
        Assert.Equal("2", filled.Header("x-batch-size"));
    }

    [Fact]
    public async Task Classify_MoreInputsThanTheQueueHolds_IsRefusedWhole()
    {
        using var response = await Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { "a", "b", "c" } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "inputs");
        Assert.Equal(2, problem.GetProperty("limit").GetInt32());
    }
}
