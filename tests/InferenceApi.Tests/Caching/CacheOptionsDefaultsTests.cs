using InferenceApi.Caching;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InferenceApi.Tests.Caching;

/// <summary>The Cache section's documented defaults; its checks at start are in <see cref="Hosting.SettingsValidationTests"/>.</summary>
public sealed class CacheOptionsDefaultsTests
{
    [Fact]
    public async Task Start_DefaultSettings_StartsWithDocumentedDefaults()
    {
        using var host = StartupHost.Build((services, configuration) => services.AddResultCache(configuration), jsonFile: null);

        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<CacheOptions>>().Value;
        await host.StopAsync();

        Assert.True(options.Enabled);
        Assert.Null(options.RedisConnectionString);
        Assert.Equal("inference:", options.RedisInstanceName);
        Assert.Equal(64L * 1024 * 1024, options.MemoryCacheSizeLimitBytes);
        Assert.Equal(TimeSpan.FromHours(1), options.Expiration);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.RedisOperationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RedisRetryAfter);
    }
}
