using System.Net;
using InferenceApi.Access;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Tests.Access;

/// <summary>
/// Two servers with the same keys on one real redis-server enforce one limit per key; with Redis killed mid-run each
/// counts on its own against the full limit, fails nothing, and says Degraded.
/// </summary>
public sealed class SharedLimitsRedisTests : IAsyncLifetime
{
    private const int Limit = 4;
    private static readonly object Classify = new { model = "tiny-bert-cls", inputs = "A fine film." };

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 12, 0, 30, TimeSpan.Zero));
    private readonly TestKey _key = new("shared", ["*"], Rpm: Limit);
    private readonly string _prefix = $"test-{Guid.NewGuid():N}:";
    private RedisServerFixture _redis = null!;
    private InferenceApiFactory _first = null!;
    private InferenceApiFactory _second = null!;
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerFixture.StartAsync();
        _first = Replica();
        _second = Replica();
        (await _first.StartAsync()).Dispose();
        (await _second.StartAsync()).Dispose();
        _a = _key.ClientOf(_first);
        _b = _key.ClientOf(_second);
        await WaitForRedisAsync(_a);
        await WaitForRedisAsync(_b);
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public async Task TwoServers_OneKey_ShareOneRequestsPerMinute()
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { _a, _b, _a, _b, _a, _b })
        {
            using var response = await client.PostJsonAsync("/v1/classify", Classify);
            statuses.Add(response.StatusCode);
        }

        _clock.Advance(TimeSpan.FromSeconds(30));
        using var nextMinute = await _b.PostJsonAsync("/v1/classify", Classify);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, nextMinute.StatusCode);
        Assert.Equal($"\"requests\";r={Limit - 1};t=60", nextMinute.Header("RateLimit"));
    }

    [Fact]
    public async Task RedisKilledMidRun_EachServerCountsOnItsOwnFailsNothingAndIsDegraded()
    {
        using (var before = await _a.PostJsonAsync("/v1/classify", Classify))
        using (var beforeB = await _b.PostJsonAsync("/v1/classify", Classify))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.Equal($"\"requests\";r={Limit - 2};t=30", beforeB.Header("RateLimit"));
        }

        _redis.Kill();

        foreach (var client in new[] { _a, _b })
        {
            var statuses = new List<int>();
            for (var i = 0; i < Limit + 2; i++)
            {
                using var response = await client.PostJsonAsync("/v1/classify", Classify);
                statuses.Add((int)response.StatusCode);
            }

            // This window's count starts afresh on each server, against the whole limit: up to servers x limit in all.
            Assert.Equal([200, 200, 200, 200, 429, 429], statuses);
        }

        await Eventually.TrueAsync(async () =>
        {
            using var ready = await _a.GetAsync("/health/ready");
            var redis = (await ready.ReadJsonAsync()).GetProperty("entries").GetProperty("redis");
            return redis.GetProperty("status").GetString() == "Degraded"
                && redis.GetProperty("description").GetString()!.Contains("rate limits count per replica", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(15), () => "readiness never said Redis was down");
    }

    private static Task WaitForRedisAsync(HttpClient client) =>
        Eventually.TrueAsync(async () =>
        {
            using var ready = await client.GetAsync("/health/ready");
            return ready.StatusCode == HttpStatusCode.OK
                && (await ready.ReadJsonAsync()).GetProperty("entries").GetProperty("redis").GetProperty("status").GetString() == "Healthy";
        }, TimeSpan.FromSeconds(15), () => "Redis never became healthy for the server");

    private InferenceApiFactory Replica()
    {
        var factory = TestKey.Configure(new InferenceApiFactory(), _key)
            .With("Cache:RedisConnectionString", _redis.ConnectionString)
            .With("Cache:Enabled", "false")
            .With("Cache:RedisInstanceName", _prefix)
            .WithServices(services => services.AddKeyedSingleton<TimeProvider>(QuotaCounter.ClockKey, _clock));
        factory.AddModel(Fixtures.TinyBertCls, "tiny-bert-cls");
        return factory;
    }
}
