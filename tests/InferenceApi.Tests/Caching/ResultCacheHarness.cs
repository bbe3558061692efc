using System.Diagnostics.Metrics;
using InferenceApi.Caching;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InferenceApi.Tests.Caching;

/// <summary>
/// One replica's result cache, wired exactly as the server wires it (<see cref="CachingServiceCollectionExtensions.AddResultCache"/>)
/// from in-memory "Cache:*" settings. Two harnesses on the same Redis behave as two replicas.
/// </summary>
internal sealed class ResultCacheHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ResultCacheHarness(ServiceProvider services)
    {
        _services = services;
        Cache = services.GetRequiredService<IResultCache>();
        MeterFactory = services.GetRequiredService<IMeterFactory>();
    }

    public IResultCache Cache { get; }

    public IMeterFactory MeterFactory { get; }

    /// <summary>A replica with Redis at <paramref name="redisConnectionString"/> (none when null) and a short breaker interval.</summary>
    public static ResultCacheHarness Create(string? redisConnectionString, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Cache:RedisConnectionString"] = redisConnectionString,
            ["Cache:RedisRetryAfter"] = "00:00:00.300",
            ["Cache:RedisInstanceName"] = "test:",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddResultCache(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new ResultCacheHarness(services);
    }

    /// <summary>Runs the "redis" readiness entry through the health check service, as /health/ready would.</summary>
    public async Task<HealthReportEntry> CheckRedisHealthAsync()
    {
        var report = await _services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(registration => registration.Tags.Contains(CachingServiceCollectionExtensions.ReadyTag));
        return report.Entries[CachingServiceCollectionExtensions.HealthCheckName];
    }

    /// <summary>Looks up a throwaway key until the Redis tier has answered once (the first connection is made in the background).</summary>
    public async Task WaitUntilRedisConnectedAsync()
    {
        await Eventually.TrueAsync(async () =>
        {
            await Cache.GetAsync("probe:" + Guid.NewGuid().ToString("N"), CancellationToken.None);
            return Cache.DistributedStatus.State == DistributedCacheState.Connected;
        }, TimeSpan.FromSeconds(15), () => $"Redis tier never connected; status {Cache.DistributedStatus}");
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
