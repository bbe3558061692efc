using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace InferenceApi.Caching;

/// <summary>DI wiring of the result cache.</summary>
public static class CachingServiceCollectionExtensions
{
    /// <summary>The name of the readiness entry reported for Redis.</summary>
    public const string HealthCheckName = "redis";

    /// <summary>The tag of checks that gate readiness.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Registers <see cref="IResultCache"/> (memory + optional Redis, behind the request's Cache-Control), its options from the "Cache" section
    /// (validated at start), the "redis" health check tagged "ready", and the cache hit/miss counters.
    /// </summary>
    public static IServiceCollection AddResultCache(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<CacheOptions>()
            .Bind(configuration.GetSection(CacheOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CacheOptions>, CacheOptionsValidator>());

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CacheMetrics>();
        services.TryAddSingleton<RedisConnectionProvider>();
        services.AddHttpContextAccessor();
        services.TryAddSingleton<TwoLevelResultCache>();
        services.TryAddSingleton<IResultCache, CacheControlResultCache>();

        services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>(HealthCheckName, failureStatus: HealthStatus.Degraded, tags: [ReadyTag]);
        return services;
    }
}
