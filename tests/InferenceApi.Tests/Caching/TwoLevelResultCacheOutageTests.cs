using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using InferenceApi.Caching;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace InferenceApi.Tests.Caching;

/// <summary>Redis dies, restarts or was never there: requests keep succeeding, quickly, from memory.</summary>
public sealed class TwoLevelResultCacheOutageTests(ITestOutputHelper output)
{
    // Far above the 250 ms Redis budget, far below what a user would call an outage.
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(2);

    // The readiness probe may wait for the first connection (2 s) and then the PING (1 s); it must still end.
    private static readonly TimeSpan HealthBound = RedisHealthCheck.ConnectWaitTimeout + RedisHealthCheck.PingTimeout + TimeSpan.FromSeconds(1);
    private static readonly byte[] Payload = [7, 7, 7];

    [Fact]
    public async Task Cache_RedisKilledMidRun_RequestsStayQuickAndStatusUnavailable()
    {
        using var redis = await RedisServerFixture.StartAsync();
        await using var replica = ResultCacheHarness.Create(redis.ConnectionString);
        await replica.WaitUntilRedisConnectedAsync();
        var cachedBefore = NewKey();
        replica.Cache.Set(cachedBefore, Payload);

        redis.Kill();

        for (var i = 0; i < 20; i++)
        {
            var lookup = await TimedAsync(() => replica.Cache.GetAsync(cachedBefore, CancellationToken.None).AsTask());
            Assert.Equal(CacheTier.Memory, lookup.Tier);

            var missed = await TimedAsync(() => replica.Cache.GetAsync(NewKey(), CancellationToken.None).AsTask());
            Assert.False(missed.IsHit);

            var written = NewKey();
            await TimedAsync(() =>
            {
                replica.Cache.Set(written, Payload);
                return Task.FromResult(true);
            });
            Assert.Equal(CacheTier.Memory, (await replica.Cache.GetAsync(written, CancellationToken.None)).Tier);
        }

        await Eventually.TrueAsync(async () =>
        {
            await TimedAsync(() => replica.Cache.GetAsync(NewKey(), CancellationToken.None).AsTask());
            return replica.Cache.DistributedStatus.State == DistributedCacheState.Unavailable;
        }, TimeSpan.FromSeconds(10), () => $"status stayed {replica.Cache.DistributedStatus}");
        var status = replica.Cache.DistributedStatus;
        Assert.False(string.IsNullOrEmpty(status.LastError));
        Assert.True(status.Since <= DateTimeOffset.UtcNow);

        var health = await TimedAsync(replica.CheckRedisHealthAsync, HealthBound);
        output.WriteLine($"status: {status}; health: {health.Description}");
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("Redis did not answer PING", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_RedisHangs_LookupsBoundedByOperationTimeoutThenSkipped()
    {
        using var redis = await RedisServerFixture.StartAsync();
        await using var replica = ResultCacheHarness.Create(redis.ConnectionString, ("Cache:RedisRetryAfter", "00:00:03"));
        await replica.WaitUntilRedisConnectedAsync();
        var cachedBefore = NewKey();
        replica.Cache.Set(cachedBefore, Payload);

        redis.Pause();
        try
        {
            var first = await TimedAsync(() => replica.Cache.GetAsync(NewKey(), CancellationToken.None).AsTask());
            var status = replica.Cache.DistributedStatus;
            var clock = Stopwatch.StartNew();
            var second = await replica.Cache.GetAsync(NewKey(), CancellationToken.None);
            var breakerOpenElapsed = clock.Elapsed;
            var fromMemory = await TimedAsync(() => replica.Cache.GetAsync(cachedBefore, CancellationToken.None).AsTask());
            var health = await TimedAsync(replica.CheckRedisHealthAsync, HealthBound);
            output.WriteLine($"status: {status}; health: {health.Description}; lookup with breaker open: {breakerOpenElapsed.TotalMilliseconds:0.0} ms");

            Assert.False(first.IsHit);
            Assert.False(second.IsHit);
            Assert.Equal(DistributedCacheState.Unavailable, status.State);
            Assert.Contains("Cache:RedisOperationTimeout", status.LastError, StringComparison.Ordinal);
            // With the breaker open the lookup does not touch Redis at all, so it cannot take the 250 ms timeout.
            Assert.True(breakerOpenElapsed < TimeSpan.FromMilliseconds(200), $"took {breakerOpenElapsed.TotalMilliseconds:0} ms");
            Assert.Equal(CacheTier.Memory, fromMemory.Tier);
            Assert.Equal(HealthStatus.Degraded, health.Status);
        }
        finally
        {
            redis.Resume();
        }
    }

    [Fact]
    public async Task Cache_RedisRestarted_RecoversAfterRetryInterval()
    {
        using var redis = await RedisServerFixture.StartAsync();
        await using var writer = ResultCacheHarness.Create(redis.ConnectionString);
        await using var reader = ResultCacheHarness.Create(redis.ConnectionString);
        await writer.WaitUntilRedisConnectedAsync();
        await reader.WaitUntilRedisConnectedAsync();
        redis.Kill();
        await Eventually.TrueAsync(async () =>
        {
            await writer.Cache.GetAsync(NewKey(), CancellationToken.None);
            return writer.Cache.DistributedStatus.State == DistributedCacheState.Unavailable;
        }, TimeSpan.FromSeconds(10), () => $"status stayed {writer.Cache.DistributedStatus}");

        await redis.Restart();

        // The multiplexer reconnects in the background; the breaker (300 ms here) lets one lookup probe it.
        await writer.WaitUntilRedisConnectedAsync();
        var key = NewKey();
        writer.Cache.Set(key, Payload);
        var lookup = CacheLookup.Miss;
        await Eventually.TrueAsync(async () =>
        {
            lookup = await reader.Cache.GetAsync(key, CancellationToken.None);
            return lookup.IsHit;
        }, TimeSpan.FromSeconds(15), () => $"the value written after the restart never reached the other replica; status {reader.Cache.DistributedStatus}");

        Assert.Equal(CacheTier.Redis, lookup.Tier);
        Assert.Equal(DistributedCacheState.Connected, writer.Cache.DistributedStatus.State);
        Assert.Null(writer.Cache.DistributedStatus.LastError);
        Assert.Equal(HealthStatus.Healthy, (await writer.CheckRedisHealthAsync()).Status);
    }

    [Fact]
    public async Task Cache_RedisDownAtStart_ServesFromMemoryAndHealthDegraded()
    {
        using var closedPort = ReserveClosedPort();
        await using var replica = ResultCacheHarness.Create($"127.0.0.1:{((IPEndPoint)closedPort.LocalEndPoint!).Port}");
        var key = NewKey();

        await TimedAsync(() =>
        {
            replica.Cache.Set(key, Payload);
            return Task.FromResult(true);
        });
        var lookup = await TimedAsync(() => replica.Cache.GetAsync(key, CancellationToken.None).AsTask());
        var health = await TimedAsync(replica.CheckRedisHealthAsync, HealthBound);
        await Eventually.TrueAsync(async () =>
        {
            await TimedAsync(() => replica.Cache.GetAsync(NewKey(), CancellationToken.None).AsTask());
            return replica.Cache.DistributedStatus.State == DistributedCacheState.Unavailable;
        }, TimeSpan.FromSeconds(10), () => $"status stayed {replica.Cache.DistributedStatus}");

        Assert.Equal(CacheTier.Memory, lookup.Tier);
        Assert.Equal(HealthStatus.Degraded, health.Status);
    }

    private static async Task<T> TimedAsync<T>(Func<Task<T>> operation, TimeSpan? bound = null)
    {
        var limit = bound ?? Quick;
        var clock = Stopwatch.StartNew();
        var result = await operation();
        Assert.True(clock.Elapsed < limit, $"took {clock.Elapsed.TotalMilliseconds:0} ms, more than {limit.TotalMilliseconds:0} ms");
        return result;
    }

    /// <summary>A loopback port that is bound but not listening: connections are refused, and no parallel test's server can take it.</summary>
    private static Socket ReserveClosedPort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static string NewKey() => "model@1:" + Guid.NewGuid().ToString("N");
}
