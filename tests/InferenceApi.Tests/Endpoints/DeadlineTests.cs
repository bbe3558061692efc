using System.Net;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

public sealed class DeadlineTests : IAsyncLifetime
{
    private readonly InferenceApiFactory _factory = new InferenceApiFactory()
        .With("Models:Defaults:RequestTimeoutMs", "50")
        .With("Models:Defaults:MaxQueueDelayMs", "400")
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
    public async Task Classify_DeadlinePassesInTheQueue_Answers504WithoutRunning()
    {
        using var response = await _client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "the plot was boring" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.GatewayTimeout, "deadline_exceeded");
        Assert.Contains("before it ran", problem.GetProperty("detail").GetString());

        // Other test servers in this process share the meter name, so only this server's own drop reason is checked.
        var metrics = await _client.GetStringAsync("/metrics");
        Assert.Contains("reason=\"expired\"", metrics);
    }
}
