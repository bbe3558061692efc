using InferenceApi.Caching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceApi.Tests.Caching;

public sealed class CacheOptionsValidationTests
{
    [Theory]
    [InlineData("Cache:RedisOperationTimeout", "-00:00:01")]
    [InlineData("Cache:RedisRetryAfter", "00:00:00")]
    [InlineData("Cache:Expiration", "-01:00:00")]
    [InlineData("Cache:MemoryCacheSizeLimitBytes", "0")]
    [InlineData("Cache:RedisConnectionString", "localhost:6379,notAnOption=1")]
    public async Task Start_InvalidSetting_FailsNamingTheSetting(string setting, string value)
    {
        using var host = BuildHost((setting, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DefaultSettings_StartsWithDocumentedDefaults()
    {
        using var host = BuildHost();

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

    private static IHost BuildHost(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddResultCache(builder.Configuration);
        return builder.Build();
    }
}
