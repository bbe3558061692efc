using System.Net;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// Admission by expected wait through the real server and scheduler, on a fake clock: a partial batch waits for company
/// until the clock passes the queue delay, so the queue holds exactly what the test put in it, and no batch has run yet,
/// so the service rate is the scheduler's first guess (50 ms a round, for up to a full batch of 4).
/// </summary>
public sealed class ExpectedWaitAdmissionTests : SingleModelServer
{
    private readonly FakeTimeProvider _clock = new();

    public ExpectedWaitAdmissionTests()
        : base(("Models:Defaults:MaxQueueTimeMs", "40"), ("Models:Defaults:MaxQueueDelayMs", "30"), ("Models:Defaults:MaxBatchSize", "4"), ("Cache:Enabled", "false")) =>
        Factory.WithClock(_clock);

    [Fact]
    public async Task Classify_ExpectedWaitOverMaxQueueTime_Answers429AtOnceWithRetryAfter_AndTheAdmittedComplete()
    {
        var filling = Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { "good", "bad" } });
        await WaitForQueueDepthAsync(2);

        // Two ahead, who fit in one batch with it: one round, 50 ms expected, over 40 ms; refused without waiting for the
        // queue, which cannot move before the clock does.
        using var refused = await Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "fun" });

        Assert.False(filling.IsCompleted);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "overloaded");
        Assert.Equal(40, problem.GetProperty("limit").GetInt32());
        Assert.Equal(50, problem.GetProperty("received").GetInt32());
        Assert.Equal("1", refused.Header("Retry-After"));

        _clock.Advance(TimeSpan.FromMilliseconds(30));
        using var filled = await filling;
        await filled.ReadJsonAsync();
        Assert.Equal("2", filled.Header("x-batch-size"));
    }
}
