using InferenceApi.Hosting;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceApi.Tests.Hosting;

/// <summary>
/// Every options section (Models with its Defaults, Api, Cache, Logging, Shutdown, OnnxRuntime) is checked when the server starts: a bad value stops it
/// with a message naming the setting and the value.
/// </summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Models:Defaults:MaxBatchSize", "-1")]
    [InlineData("Models:Defaults:MaxBatchTokens", "0")]
    [InlineData("Models:Defaults:QueueCapacity", "0")]
    [InlineData("Models:Defaults:Instances", "65")]
    [InlineData("Models:Defaults:RequestTimeoutMs", "0")]
    [InlineData("Models:Defaults:MaxQueueDelayMs", "-1")]
    [InlineData("Models:Defaults:MaxQueueDelayMs", "1000")]
    [InlineData("Models:Defaults:MaxSequenceLength", "0")]
    [InlineData("Models:PollIntervalMs", "10")]
    [InlineData("Models:VersionsToServe", "0")]
    [InlineData("Api:MaxInputsPerRequest", "0")]
    [InlineData("Shutdown:DrainDelaySeconds", "-1")]
    [InlineData("Shutdown:DrainDelaySeconds", "30")]
    [InlineData("OnnxRuntime:IntraOpThreads", "-1")]
    [InlineData("OnnxRuntime:Int8Precision", "7")]
    [InlineData("Cache:RedisOperationTimeout", "-00:00:01")]
    [InlineData("Cache:RedisRetryAfter", "00:00:00")]
    [InlineData("Cache:Expiration", "-01:00:00")]
    [InlineData("Cache:MemoryCacheSizeLimitBytes", "0")]
    [InlineData("Cache:RedisConnectionString", "localhost:6379,notAnOption=1")]
    [InlineData("Logging:SlowRequestMs", "0")]
    public async Task Start_SettingOutOfRange_FailsNamingTheSettingAndTheValue(string setting, string value)
    {
        using var host = BuildHost((setting, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Int8PrecisionNotOneOfItsNames_FailsNamingTheSetting()
    {
        using var host = BuildHost(("OnnxRuntime:Int8Precision", "Precise"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("OnnxRuntime:Int8Precision", error.Message, StringComparison.Ordinal);
        Assert.Contains("Precise", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TheShippedAppSettings_PassesTheChecks()
    {
        using var host = BuildHost(("Models:Path", Path.Combine(Path.GetTempPath(), "inferenceapi-no-models-" + Guid.NewGuid().ToString("N"))));

        await host.StartAsync();
        await host.StopAsync();
    }

    /// <summary>The server's own registrations over the repository's appsettings.json: start runs the options checks before any model loads.</summary>
    private static IHost BuildHost(params (string Key, string Value)[] settings) =>
        StartupHost.Build((services, configuration) => services.AddInferenceServer(configuration), Path.Combine(TestPaths.RepositoryRoot, "appsettings.json"), settings);
}
