using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Models;

/// <summary>New versions go live and old ones retire while requests run, and no request fails.</summary>
public sealed class HotReloadTests : IAsyncLifetime
{
    private readonly InferenceApiFactory _factory = new InferenceApiFactory().With("Cache:Enabled", "false");
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory.AddModel(Fixtures.TinyBertCls, "sentiment", version: 1);
        _client = await _factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task NewVersion_CopiedInWhileRequestsRun_GoesLiveAndTheOldRetiresWithoutAFailedRequest()
    {
        var statuses = new ConcurrentBag<(int Status, string Version, string Body)>();
        var answeredByVersion2 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var load = Classify(
            statuses,
            version =>
            {
                if (version == "2")
                {
                    answeredByVersion2.TrySetResult();
                }
            },
            stop.Token);

        // A plain, non-atomic copy (files appear one by one), with labels renamed so answers show which version served.
        var target = Path.Combine(_factory.Models.Path, "sentiment", "2");
        InferenceApiFactory.CopyDirectory(Fixtures.TinyBertCls, target);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(target, "config.json")))!;
        config["id2label"] = new JsonObject { ["0"] = "NEG", ["1"] = "NEU", ["2"] = "POS" };
        File.WriteAllText(Path.Combine(target, "config.json"), config.ToJsonString());

        var model = await InferenceApiFactory.WaitForModelAsync(
            _client, "sentiment", m => m.GetProperty("versions").GetArrayLength() == 1 && m.GetProperty("serving_version").GetInt64() == 2);
        // Keep the load on until the requests themselves have reached the new version (the timeout only guards a hang).
        await answeredByVersion2.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await load;

        Assert.All(statuses, s => Assert.True(s.Status == 200, $"A request failed during the swap: {s.Status} {s.Body}"));
        Assert.Contains(statuses, s => s.Version == "1");
        Assert.Contains(statuses, s => s.Version == "2" && s.Body.Contains("\"POS\"", StringComparison.Ordinal));
        Assert.Equal("ready", model.GetProperty("versions")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task ServingVersionDeleted_WhileRequestsRun_ThePreviousVersionTakesOverWithoutAFailedRequest()
    {
        var newest = _factory.AddModel(Fixtures.TinyBertCls, "sentiment", version: 2);
        await InferenceApiFactory.WaitForModelAsync(
            _client, "sentiment", m => m.GetProperty("versions").GetArrayLength() == 1 && m.GetProperty("serving_version").GetInt64() == 2);
        var statuses = new ConcurrentBag<(int Status, string Version, string Body)>();
        var answeredByVersion1 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answeredByVersion2 = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var load = Classify(statuses, version => (version == "1" ? answeredByVersion1 : answeredByVersion2).TrySetResult(), stop.Token);
        await answeredByVersion2.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // What an operator's rm -rf does: the folder of the version that serves disappears under the load.
        Directory.Delete(newest, recursive: true);
        await answeredByVersion1.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var model = await InferenceApiFactory.WaitForModelAsync(_client, "sentiment", m => m.GetProperty("versions").GetArrayLength() == 1);
        await stop.CancelAsync();
        await load;

        Assert.All(statuses, s => Assert.True(s.Status == 200, $"A request failed after the delete: {s.Status} {s.Body}"));
        Assert.Equal(1, model.GetProperty("serving_version").GetInt64());
    }

    [Fact]
    public async Task VersionFolderRemoved_RetiresIt_AndTheModelAnswers404AfterwardsOrServesTheRemainingVersion()
    {
        _factory.AddModel(Fixtures.TinyBertCls, "temporary", version: 1);
        await InferenceApiFactory.WaitForModelAsync(_client, "temporary", m => m.GetProperty("status").GetString() == "ready");

        Directory.Delete(Path.Combine(_factory.Models.Path, "temporary"), recursive: true);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        System.Net.HttpStatusCode status;
        do
        {
            await Task.Delay(100);
            using var response = await _client.GetAsync("/v1/models/temporary");
            status = response.StatusCode;
        }
        while (status != System.Net.HttpStatusCode.NotFound && DateTime.UtcNow < deadline);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, status);
    }

    /// <summary>Four clients classifying in a loop until <paramref name="stop"/>, recording each answer and the version that gave it.</summary>
    private Task Classify(ConcurrentBag<(int Status, string Version, string Body)> statuses, Action<string> answeredBy, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await _client.PostJsonAsync("/v1/classify", new { model = "sentiment", inputs = "the movie was great" });
                var version = response.Headers.TryGetValues("x-model-version", out var v) ? v.Single() : "?";
                statuses.Add(((int)response.StatusCode, version, await response.Content.ReadAsStringAsync(CancellationToken.None)));
                answeredBy(version);
            }
        }, CancellationToken.None)));
}
