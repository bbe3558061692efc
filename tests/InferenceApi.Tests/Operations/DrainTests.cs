using System.Net;
using InferenceApi.Core.Models;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.Operations;

/// <summary>Graceful shutdown: stop admitting, finish what is queued.</summary>
public sealed class DrainTests() : SingleModelServer(("Models:Defaults:MaxQueueDelayMs", "700"), ("Models:Defaults:MaxBatchSize", "64"), ("Cache:Enabled", "false"))
{
    [Fact]
    public async Task Drain_WhileARequestIsQueued_FinishesItAndRefusesNewRequests()
    {
        var queued = Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = Fixtures.ClassifierCases[0].Text });
        await WaitForQueueDepthAsync(1);

        var draining = Factory.Services.GetRequiredService<ModelRepository>().DrainAsync();
        using var refused = await Client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "new work" });
        using var ready = await Client.GetAsync("/health/ready");
        using var finished = await queued;
        await draining;

        await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "draining");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await finished.ReadJsonAsync();
        Assert.Equal("neutral", body.GetProperty("results")[0].GetProperty("labels")[0].GetProperty("label").GetString());
    }
}
