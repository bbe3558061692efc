using InferenceApi.Access;
using InferenceApi.Caching;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InferenceApi.Tests.Access;

/// <summary>Quota counts in a real redis-server, shared by counters that stand for two replicas.</summary>
public sealed class QuotaCounterRedisTests : IAsyncLifetime
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 12, 0, 30, TimeSpan.Zero));
    private readonly string _counter = "k" + Guid.NewGuid().ToString("N");
    private RedisServerFixture _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServerFixture.StartAsync();

    public Task DisposeAsync()
    {
        _redis.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Take_TwoReplicas_ShareOneCountInRedis()
    {
        var (a, providerA) = await ReplicaAsync();
        var (b, providerB) = await ReplicaAsync();
        using (providerA)
        using (providerB)
        {
            var first = await a.TakeAsync(_counter, 2, 3, Minute, CancellationToken.None);
            var second = await b.TakeAsync(_counter, 1, 3, Minute, CancellationToken.None);
            var refusedA = await a.TakeAsync(_counter, 1, 3, Minute, CancellationToken.None);
            var refusedB = await b.TakeAsync(_counter, 1, 3, Minute, CancellationToken.None);

            Assert.True(first.Taken && first.Shared);
            Assert.Equal(3, second.Used);
            Assert.False(refusedA.Taken);
            Assert.False(refusedB.Taken);
            Assert.Equal(TimeSpan.FromSeconds(30), refusedB.Reset);
            Assert.Equal(DistributedCacheState.Connected, a.Status.State);
        }
    }

    [Fact]
    public async Task Take_ManyAtOnceFromTwoReplicas_NeverGrantsMoreThanTheLimit()
    {
        var (a, providerA) = await ReplicaAsync();
        var (b, providerB) = await ReplicaAsync();
        using (providerA)
        using (providerB)
        {
            var takes = Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? a : b).TakeAsync(_counter, 1, 37, Minute, CancellationToken.None).AsTask());

            var results = await Task.WhenAll(takes);

            Assert.All(results, r => Assert.True(r.Shared));
            Assert.Equal(37, results.Count(r => r.Taken));
        }
    }

    [Fact]
    public async Task Return_ToTheWindowItWasTakenFrom_IsSeenByTheOtherReplica()
    {
        var (a, providerA) = await ReplicaAsync();
        var (b, providerB) = await ReplicaAsync();
        using (providerA)
        using (providerB)
        {
            var reserved = await a.TakeAsync(_counter, 900, 1000, Minute, CancellationToken.None);
            Assert.False((await b.TakeAsync(_counter, 800, 1000, Minute, CancellationToken.None)).Taken);

            a.Return(_counter, reserved, 700);

            await Eventually.TrueAsync(async () => (await b.TakeAsync(_counter, 800, 1000, Minute, CancellationToken.None)).Taken,
                TimeSpan.FromSeconds(10), () => "the returned units never reached Redis");
        }
    }

    [Fact]
    public async Task Take_NextWindowOnTheClock_StartsFromZeroInRedis()
    {
        var (a, provider) = await ReplicaAsync();
        using (provider)
        {
            await a.TakeAsync(_counter, 3, 3, Minute, CancellationToken.None);
            var reserved = await a.TakeAsync(_counter, 1, 3, Minute, CancellationToken.None);

            _clock.Advance(TimeSpan.FromSeconds(30));
            var next = await a.TakeAsync(_counter, 3, 3, Minute, CancellationToken.None);

            Assert.False(reserved.Taken);
            Assert.True(next.Taken);
            Assert.Equal(Minute, next.Reset);
        }
    }

    [Fact]
    public async Task Take_RedisKilled_CountsLocallyWithoutFailing()
    {
        var (a, provider) = await ReplicaAsync();
        using (provider)
        {
            Assert.True((await a.TakeAsync(_counter, 2, 3, Minute, CancellationToken.None)).Shared);

            _redis.Kill();
            var local = new List<QuotaWindow>();
            for (var i = 0; i < 4; i++)
            {
                local.Add(await a.TakeAsync(_counter, 1, 3, Minute, CancellationToken.None));
            }

            // The replica's own count starts from zero for the rest of the window: 3 granted, then refused.
            Assert.All(local, r => Assert.False(r.Shared));
            Assert.Equal([true, true, true, false], local.Select(r => r.Taken));
            Assert.Equal(DistributedCacheState.Unavailable, a.Status.State);
        }
    }

    private async Task<(QuotaCounter Counter, RedisConnectionProvider Provider)> ReplicaAsync()
    {
        var options = Options.Create(new CacheOptions
        {
            RedisConnectionString = _redis.ConnectionString,
            RedisInstanceName = "test:",
            RedisRetryAfter = TimeSpan.FromMinutes(5),

            // These tests are about what is counted, not how fast: a busy test machine must not push a call to the fallback.
            RedisOperationTimeout = TimeSpan.FromSeconds(10),
        });
        var provider = new RedisConnectionProvider(options, NullLogger<RedisConnectionProvider>.Instance);
        await provider.GetConnectionAsync();
        return (new QuotaCounter(provider, options, TimeProvider.System, _clock, NullLogger<QuotaCounter>.Instance), provider);
    }
}
