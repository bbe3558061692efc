using System.Net;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// Admission by expected wait through the real server and scheduler, on a fake clock: a partial batch waits for company
/// until the clock passes the queue delay, so the queue holds exactly what the test put in it, and no batch has run yet,
/// so the service rate is the scheduler's first guess (50 ms for a full batch of 4: 12.5 ms a request).
/// </summary>
public sealed class ExpectedWaitAdmissionTests : SingleModelServer
{
    private readonly FakeTimeProvider _clock = new();

    public ExpectedWaitAdmissionTests()
        : base(("Models:Defaults:MaxQueueTimeMs", "30"), ("Models:Defaults:MaxQueueDelayMs", "1500"), ("Models:Defaults:MaxBatchSize", "4"), ("Cache:Enabled", "false")) =>
        Factory.WithClock(_clock);

    [Fact]
    public async Task Classify_ExpectedWaitOverMaxQueueTime_Answers429AtOnceWithRetryAfter_AndTheAdmittedComplete()
    {
        var filling = Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = new[] { "good", "bad" } });
        await WaitForQueueDepthAsync(2);

        // Two ahead: 25 ms expected, within 30 ms.
        var admitted = Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "fine" });
        await WaitForQueueDepthAsync(3);

        // Three ahead: 37.5 ms expected, over 30 ms; refused without waiting for the queue, which cannot move before the clock does.
        using var refused = await Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "fun" });

        Assert.False(filling.IsCompleted);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "overloaded");
        Assert.Equal(30, problem.GetProperty("limit").GetInt32());
        Assert.Equal(38, problem.GetProperty("received").GetInt32());
        Assert.Equal("1", refused.Header("Retry-After"));

        _clock.Advance(TimeSpan.FromMilliseconds(1500));
        using var filled = await filling;
        using var served = await admitted;
        await filled.ReadJsonAsync();
        await served.ReadJsonAsync();
        Assert.Equal("3", served.Header("x-batch-size"));
    }
}
