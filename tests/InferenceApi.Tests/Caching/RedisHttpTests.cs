using System.Net;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Caching;

/// <summary>
/// The cache as a client meets it, against a real redis-server on loopback: answers shared between
/// replicas through Redis, and a Redis that dies mid-run costs nothing but the Degraded readiness entry.
/// </summary>
public sealed class RedisHttpTests : IAsyncLifetime
{
    private readonly RedisServerFixture _redis = new();
    private InferenceApiFactory _first = null!;
    private InferenceApiFactory _second = null!;

    public async Task InitializeAsync()
    {
        await _redis.InitializeAsync();
        _first = Replica();
        _second = Replica();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Classify_AnswerCachedByOneReplica_IsAHitOnAnother()
    {
        using var first = await _first.StartAsync();
        using var second = await _second.StartAsync();
        await WaitForRedisAsync(first);
        await WaitForRedisAsync(second);
        var text = "a really good film " + Guid.NewGuid().ToString("N")[..8];

        using var miss = await first.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = text });
        var missBody = await miss.ReadJsonAsync();
        Assert.Equal("miss", miss.Header("x-cache"));

        // The write to Redis happens in the background; the other replica sees it shortly after.
        string cache = "miss";
        string hitBody = string.Empty;
        await Eventually.TrueAsync(
            async () =>
            {
                using var response = await second.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = text });
                cache = response.Header("x-cache");
                hitBody = (await response.ReadJsonAsync()).GetProperty("results").GetRawText();
                return cache == "hit";
            },
            TimeSpan.FromSeconds(10),
            () => $"The second replica never hit Redis (last X-Cache: {cache})");
        Assert.Equal(missBody.GetProperty("results").GetRawText(), hitBody);
    }

    [Fact]
    public async Task RedisKilledMidRun_RequestsStillSucceed_AndReadinessSaysDegraded()
    {
        using var client = await _first.StartAsync();
        await WaitForRedisAsync(client);
        using (var before = await client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = "good fun " + Guid.NewGuid().ToString("N")[..8] }))
        {
            await before.ReadJsonAsync();
        }

        _redis.Kill();

        for (var i = 0; i < 20; i++)
        {
            using var response = await client.PostJsonAsync("/v1/classify", new { model = "tiny-bert-cls", inputs = $"the acting was awful {i} {Guid.NewGuid():N}" });
            await response.ReadJsonAsync();
        }

        await Eventually.TrueAsync(
            async () =>
            {
                using var ready = await client.GetAsync("/health/ready");
                var report = await ready.ReadJsonAsync();
                return report.GetProperty("status").GetString() == "Degraded"
                    && report.GetProperty("entries").GetProperty("redis").GetProperty("status").GetString() == "Degraded";
            },
            TimeSpan.FromSeconds(15),
            () => "Readiness never reported Redis as Degraded");
    }

    private static async Task WaitForRedisAsync(HttpClient client) =>
        await Eventually.TrueAsync(
            async () =>
            {
                using var ready = await client.GetAsync("/health/ready");
                return ready.StatusCode == HttpStatusCode.OK
                    && (await ready.ReadJsonAsync()).GetProperty("entries").GetProperty("redis").GetProperty("status").GetString() == "Healthy";
            },
            TimeSpan.FromSeconds(15),
            () => "Redis never became healthy for the server");

    private InferenceApiFactory Replica()
    {
        var factory = new InferenceApiFactory().With("Cache:RedisConnectionString", _redis.ConnectionString);
        factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
        return factory;
    }
}
