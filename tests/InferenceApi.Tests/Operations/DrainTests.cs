using System.Net;
using InferenceApi.Core.Models;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.Operations;

/// <summary>Graceful shutdown: stop admitting, finish what is queued.</summary>
public sealed class DrainTests : IAsyncLifetime
{
    private readonly InferenceApiFactory _factory = new InferenceApiFactory()
        .With("Models:Defaults:MaxQueueDelayMs", "700")
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
    public async Task Drain_WhileARequestIsQueued_FinishesItAndRefusesNewRequests()
    {
        var queued = _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = Fixtures.ClassifierCases[0].Text });
        await InferenceApiFactory.WaitForModelAsync(
            _client, "tiny-bert-cls", m => m.GetProperty("versions")[0].GetProperty("batching").GetProperty("queue_depth").GetInt32() == 1, TimeSpan.FromSeconds(10));

        var draining = _factory.Services.GetRequiredService<ModelRepository>().DrainAsync();
        using var refused = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "new work" });
        using var ready = await _client.GetAsync("/health/ready");
        using var finished = await queued;
        await draining;

        await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "draining");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await finished.ReadJsonAsync();
        Assert.Equal("neutral", body.GetProperty("results")[0].GetProperty("labels")[0].GetProperty("label").GetString());
    }
}
