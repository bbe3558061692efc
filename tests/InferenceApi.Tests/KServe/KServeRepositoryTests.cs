using System.Net;
using InferenceApi.Core.Models;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.KServe;

/// <summary>Triton's model repository extension: index, load and unload, with the same hot-reload safety as folder changes.</summary>
public sealed class KServeRepositoryTests : IAsyncLifetime
{
    private readonly InferenceApiFactory _factory = new InferenceApiFactory().With("Cache:Enabled", "false");
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        TensorModels.WriteConvNet(Path.Combine(_factory.Models.Path, "convnet"));
        TensorModels.WriteConvNet(Path.Combine(_factory.Models.Path, "slow"));
        File.WriteAllText(Path.Combine(_factory.Models.Path, "slow", "inference.json"), """{ "maxBatchSize": 2, "maxQueueDelayMs": 1000, "maxQueueTimeMs": 10000 }""");
        _client = await _factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Load_RepeatedWhileRequestsRun_NoRequestFails()
    {
        var (frames, offset, keep) = TensorTaskTests.ConvNetInputs(rows: 1, seed: 9);
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await _client.PostJsonAsync("/v2/models/convnet/infer", TensorTaskTests.ConvNetRequest(frames, offset, keep, 1));
                statuses.Add(response.StatusCode);
            }
        })).ToArray();

        for (var reload = 0; reload < 3; reload++)
        {
            using var load = await _client.PostAsync("/v2/repository/models/convnet/load", null);
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task Unload_WithARequestInFlight_LetsItFinishThenRefusesNewOnes()
    {
        var (frames, offset, keep) = TensorTaskTests.ConvNetInputs(rows: 1, seed: 10);
        var inFlight = _client.PostJsonAsync("/v2/models/slow/infer", TensorTaskTests.ConvNetRequest(frames, offset, keep, 1));
        await InferenceApiFactory.WaitForModelAsync(_client, "slow", m => m.GetProperty("versions")[0].GetProperty("batching").GetProperty("queue_depth").GetInt32() == 1);

        using var unload = await _client.PostAsync("/v2/repository/models/slow/unload", null);
        using var after = await _client.PostJsonAsync("/v2/models/slow/infer", TensorTaskTests.ConvNetRequest(frames, offset, keep, 1));

        Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        Assert.True(after.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable, $"after the unload: {(int)after.StatusCode}");
        using var finished = await inFlight;
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
    }

    [Fact]
    public async Task Unload_HoldsAcrossScans_UntilTheFolderChangesOrALoad()
    {
        TensorModels.WriteConvNet(Path.Combine(_factory.Models.Path, "sticky"));
        using (var load = await _client.PostAsync("/v2/repository/models/sticky/load", null))
        {
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
        }

        using (var unload = await _client.PostAsync("/v2/repository/models/sticky/unload", null))
        {
            Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        }

        await Eventually.TrueAsync(async () => await StateAsync("sticky") == "UNAVAILABLE", TimeSpan.FromSeconds(30), () => "sticky never became unavailable");

        // Three scans load a folder the server does not serve (two identical ones suffice); the background poller's own scans only add to them.
        var repository = _factory.Services.GetRequiredService<ModelRepository>();
        for (var scan = 0; scan < 3; scan++)
        {
            await repository.ScanAsync(CancellationToken.None);
        }

        Assert.Equal("UNAVAILABLE", await StateAsync("sticky"));
        var entry = (await IndexAsync()).Single(e => e.GetProperty("name").GetString() == "sticky");
        Assert.Contains("unloaded", entry.GetProperty("reason").GetString());

        File.WriteAllText(Path.Combine(_factory.Models.Path, "sticky", "inference.json"), """{ "maxBatchSize": 4 }""");
        await Eventually.TrueAsync(async () => await StateAsync("sticky") == "READY", TimeSpan.FromSeconds(30), () => "a changed folder did not lift the unload");
    }

    [Fact]
    public async Task Index_ListsVersionsWithStates_AndReadyFilter()
    {
        var all = await IndexAsync();
        using var readyResponse = await _client.PostJsonAsync("/v2/repository/index", new { ready = true });
        var ready = (await readyResponse.ReadJsonAsync()).EnumerateArray().ToList();

        var convnet = all.Single(e => e.GetProperty("name").GetString() == "convnet");
        Assert.Equal("1", convnet.GetProperty("version").GetString());
        Assert.Equal("READY", convnet.GetProperty("state").GetString());
        Assert.All(ready, e => Assert.Equal("READY", e.GetProperty("state").GetString()));
    }

    [Theory]
    [InlineData("/v2/repository/models/no-such-model/load", HttpStatusCode.NotFound)]
    [InlineData("/v2/repository/models/no-such-model/unload", HttpStatusCode.NotFound)]
    [InlineData("/v2/repository/models/..%2Fetc/load", HttpStatusCode.BadRequest)]
    public async Task LoadOrUnload_UnknownOrInvalidModel_AnswersKServeError(string path, HttpStatusCode status)
    {
        using var response = await _client.PostAsync(path, null);

        await response.AssertKServeErrorAsync(status);
    }

    private async Task<List<System.Text.Json.JsonElement>> IndexAsync()
    {
        using var response = await _client.PostAsync("/v2/repository/index", null);
        return (await response.ReadJsonAsync()).EnumerateArray().ToList();
    }

    private async Task<string?> StateAsync(string name) =>
        (await IndexAsync()).FirstOrDefault(e => e.GetProperty("name").GetString() == name) is { ValueKind: System.Text.Json.JsonValueKind.Object } entry
            ? entry.GetProperty("state").GetString()
            : null;
}
