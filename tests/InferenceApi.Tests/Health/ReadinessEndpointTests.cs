using System.Net;
using System.Text.Json;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Health;

/// <summary>
/// <c>/health/ready</c> and <c>/v2/health/ready</c> give one answer: not ready while the first models warm up,
/// ready while a new version loads beside the one serving (the load is a Degraded entry), so a publish into the
/// folder every replica watches never takes them all out of rotation at once.
/// </summary>
public sealed class ReadinessEndpointTests
{
    [Fact]
    public async Task Ready_FirstModelsStillWarmingUp_BothEndpointsAreNotReadyUntilTheLoadEnds()
    {
        await using var factory = new InferenceApiFactory();
        var folder = factory.AddModel(Fixtures.TinyBertCls, "sentiment", version: 1);
        await using var pipe = PipedConfig.Replace(folder);
        using var client = factory.CreateClient();

        var (status, report, kserve) = await ReadinessAsync(client);
        using (var live = await client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        await pipe.ReleaseAsync();
        await InferenceApiFactory.WaitForModelAsync(client, "sentiment", m => m.GetProperty("status").GetString() == "ready");
        var (afterStatus, _, afterKServe) = await ReadinessAsync(client);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.BadRequest), (status, kserve));
        Assert.Equal("Unhealthy", Entry(report, "models").GetProperty("status").GetString());
        Assert.Equal("Degraded", Entry(report, "model:sentiment:1").GetProperty("status").GetString());
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (afterStatus, afterKServe));
    }

    [Fact]
    public async Task Ready_NewVersionLoadingBesideTheServingOne_BothEndpointsStayReadyAndReportTheLoadDegraded()
    {
        await using var factory = new InferenceApiFactory();
        factory.AddModel(Fixtures.TinyBertCls, "sentiment", version: 1);
        using var client = await factory.StartAsync();
        var folder = Path.Combine(factory.Models.Path, "sentiment", "2");
        InferenceApiFactory.CopyDirectory(Fixtures.TinyBertCls, folder);
        await using var pipe = PipedConfig.Replace(folder);

        await InferenceApiFactory.WaitForModelAsync(client, "sentiment", m => m.GetProperty("versions").EnumerateArray().Any(v => v.GetProperty("status").GetString() == "loading"));
        var (status, report, kserve) = await ReadinessAsync(client);
        await pipe.ReleaseAsync();
        await InferenceApiFactory.WaitForModelAsync(client, "sentiment", m => m.GetProperty("serving_version").GetInt64() == 2);
        var (afterStatus, _, afterKServe) = await ReadinessAsync(client);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, kserve));
        var loading = Entry(report, "model:sentiment:2");
        Assert.Equal(
            ("Degraded", "loading and warming up; version 1 serves meanwhile"),
            (loading.GetProperty("status").GetString(), loading.GetProperty("description").GetString()));
        Assert.Equal("Healthy", Entry(report, "model:sentiment:1").GetProperty("status").GetString());
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (afterStatus, afterKServe));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Report, HttpStatusCode KServe)> ReadinessAsync(HttpClient client)
    {
        using var ready = await client.GetAsync("/health/ready");
        using var kserve = await client.GetAsync("/v2/health/ready");
        var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.Clone();
        return (ready.StatusCode, report, kserve.StatusCode);
    }

    private static JsonElement Entry(JsonElement report, string key) => report.GetProperty("entries").GetProperty(key);
}
