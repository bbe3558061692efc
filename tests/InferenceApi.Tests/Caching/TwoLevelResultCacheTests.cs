using System.Diagnostics.Metrics;
using InferenceApi.Caching;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InferenceApi.Tests.Caching;

public sealed class TwoLevelResultCacheTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly byte[] Payload = [1, 2, 3, 4, 5];

    [Fact]
    public async Task GetAsync_BeforeAndAfterSet_MissesThenHitsFromMemory()
    {
        await using var replica = ResultCacheHarness.Create(redis.ConnectionString);
        var key = NewKey();

        var before = await replica.Cache.GetAsync(key, CancellationToken.None);
        replica.Cache.Set(key, Payload);
        var after = await replica.Cache.GetAsync(key, CancellationToken.None);

        Assert.False(before.IsHit);
        Assert.Equal(CacheTier.None, before.Tier);
        Assert.True(after.IsHit);
        Assert.Equal(CacheTier.Memory, after.Tier);
        Assert.Equal(Payload, after.Value.ToArray());
    }

    [Fact]
    public async Task Set_CallerReusesBuffer_CachedValueUnchanged()
    {
        await using var replica = ResultCacheHarness.Create(redisConnectionString: null);
        var key = NewKey();
        var buffer = (byte[])Payload.Clone();

        replica.Cache.Set(key, buffer);
        buffer[0] = 99;
        var lookup = await replica.Cache.GetAsync(key, CancellationToken.None);

        Assert.Equal(Payload, lookup.Value.ToArray());
    }

    [Fact]
    public async Task GetAsync_OtherReplicaWroteKey_HitsFromRedisThenFromMemory()
    {
        await using var writer = ResultCacheHarness.Create(redis.ConnectionString);
        await using var reader = ResultCacheHarness.Create(redis.ConnectionString);
        await writer.WaitUntilRedisConnectedAsync();
        await reader.WaitUntilRedisConnectedAsync();
        var key = NewKey();

        writer.Cache.Set(key, Payload);

        // The Redis write happens in the background: poll the other replica until it lands.
        var lookup = CacheLookup.Miss;
        await Eventually.TrueAsync(async () =>
        {
            lookup = await reader.Cache.GetAsync(key, CancellationToken.None);
            return lookup.IsHit;
        }, TimeSpan.FromSeconds(10), () => $"the other replica never saw the key; status {reader.Cache.DistributedStatus}");
        var promoted = await reader.Cache.GetAsync(key, CancellationToken.None);

        Assert.Equal(CacheTier.Redis, lookup.Tier);
        Assert.Equal(Payload, lookup.Value.ToArray());
        Assert.Equal(CacheTier.Memory, promoted.Tier);
        Assert.Equal(DistributedCacheState.Connected, reader.Cache.DistributedStatus.State);
    }

    [Fact]
    public async Task HealthCheck_RedisAnswers_Healthy()
    {
        await using var replica = ResultCacheHarness.Create(redis.ConnectionString);
        await replica.WaitUntilRedisConnectedAsync();

        var entry = await replica.CheckRedisHealthAsync();

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("PING", entry.Description, StringComparison.Ordinal);
        Assert.Contains(CachingServiceCollectionExtensions.ReadyTag, entry.Tags);
    }

    [Fact]
    public async Task Cache_RedisNotConfigured_MemoryOnlyWorksAndStatusNotConfigured()
    {
        await using var replica = ResultCacheHarness.Create(redisConnectionString: null);
        var key = NewKey();

        replica.Cache.Set(key, Payload);
        var lookup = await replica.Cache.GetAsync(key, CancellationToken.None);
        var entry = await replica.CheckRedisHealthAsync();

        Assert.Equal(CacheTier.Memory, lookup.Tier);
        Assert.Equal(DistributedCacheState.NotConfigured, replica.Cache.DistributedStatus.State);
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("Redis not configured; in-process cache only", entry.Description);
    }

    [Fact]
    public async Task Cache_Disabled_AlwaysMissesAndNeverContactsRedis()
    {
        await using var replica = ResultCacheHarness.Create(redis.ConnectionString, ("Cache:Enabled", "false"));
        var key = NewKey();

        replica.Cache.Set(key, Payload);
        var lookup = await replica.Cache.GetAsync(key, CancellationToken.None);

        Assert.False(lookup.IsHit);
        Assert.Equal(DistributedCacheState.NotConfigured, replica.Cache.DistributedStatus.State);
    }

    [Fact]
    public async Task Set_BeyondMemorySizeLimit_EvictsOrRefusesEntries()
    {
        const int limit = 1000;
        const int entrySize = 400;
        await using var replica = ResultCacheHarness.Create(redisConnectionString: null,
            ("Cache:MemoryCacheSizeLimitBytes", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var keys = Enumerable.Range(0, 10).Select(_ => NewKey()).ToList();

        foreach (var key in keys)
        {
            replica.Cache.Set(key, new byte[entrySize]);
        }

        var tooLarge = NewKey();
        replica.Cache.Set(tooLarge, new byte[limit + 1]);

        // Compaction runs in the background; whatever it has done, the limit holds at every moment.
        var hits = 0;
        foreach (var key in keys)
        {
            if ((await replica.Cache.GetAsync(key, CancellationToken.None)).IsHit)
            {
                hits++;
            }
        }

        Assert.InRange(hits, 1, limit / entrySize);
        Assert.False((await replica.Cache.GetAsync(tooLarge, CancellationToken.None)).IsHit);
    }

    [Fact]
    public async Task GetAsync_HitsAndMisses_CountedPerTier()
    {
        // A generous Redis budget: this test counts lookups, and a timeout on a loaded machine would turn a hit into a miss.
        var generousTimeout = ("Cache:RedisOperationTimeout", "00:00:10");
        await using var writer = ResultCacheHarness.Create(redis.ConnectionString, generousTimeout);
        await using var reader = ResultCacheHarness.Create(redis.ConnectionString, generousTimeout);
        await writer.WaitUntilRedisConnectedAsync();
        await reader.WaitUntilRedisConnectedAsync();
        var counts = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this replica's meter: other tests' replicas run in parallel on meters of the same name.
            if (ReferenceEquals(instrument.Meter.Scope, reader.MeterFactory) && instrument.Meter.Name == CacheMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var tier = tags.ToArray().FirstOrDefault(t => t.Key == "tier").Value as string;
            var name = tier is null ? instrument.Name : $"{instrument.Name}{{tier={tier}}}";
            lock (counts)
            {
                counts[name] = counts.GetValueOrDefault(name) + value;
            }
        });
        listener.Start();
        var key = NewKey();
        writer.Cache.Set(key, Payload);
        await Eventually.TrueAsync(
            async () => (await writer.Cache.GetAsync(key, CancellationToken.None)).IsHit && await InRedisAsync(key),
            TimeSpan.FromSeconds(10), () => "the write never reached Redis");

        await reader.Cache.GetAsync(NewKey(), CancellationToken.None);
        await reader.Cache.GetAsync(key, CancellationToken.None);
        await reader.Cache.GetAsync(key, CancellationToken.None);

        Assert.Equal(1, counts.GetValueOrDefault("inference_cache_misses_total"));
        Assert.Equal(1, counts.GetValueOrDefault("inference_cache_hits_total{tier=redis}"));
        Assert.Equal(1, counts.GetValueOrDefault("inference_cache_hits_total{tier=memory}"));
    }

    private async Task<bool> InRedisAsync(string key)
    {
        // A fresh replica has an empty memory tier, so a hit there can only come from Redis.
        await using var probe = ResultCacheHarness.Create(redis.ConnectionString);
        await probe.WaitUntilRedisConnectedAsync();
        return (await probe.Cache.GetAsync(key, CancellationToken.None)).Tier == CacheTier.Redis;
    }

    private static string NewKey() => "model@1:" + Guid.NewGuid().ToString("N");
}
