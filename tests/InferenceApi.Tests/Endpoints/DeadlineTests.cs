using System.Net;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

public sealed class DeadlineTests() : SingleModelServer(("Models:Defaults:RequestTimeoutMs", "50"), ("Models:Defaults:MaxQueueDelayMs", "400"), ("Models:Defaults:MaxBatchSize", "64"), ("Cache:Enabled", "false"))
{
    [Fact]
    public async Task Classify_DeadlinePassesInTheQueue_Answers504WithoutRunning()
    {
        using var response = await Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "the plot was boring" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.GatewayTimeout, "deadline_exceeded");
        Assert.Contains("before it ran", problem.GetProperty("detail").GetString());

        // Other test servers in this process share the meter name, so only this server's own drop reason is checked.
        var metrics = await Client.GetStringAsync("/metrics");
        Assert.Contains("reason=\"expired\"", metrics);
    }
}
