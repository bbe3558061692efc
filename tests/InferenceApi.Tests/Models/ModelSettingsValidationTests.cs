using InferenceApi.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InferenceApi.Tests.Models;

/// <summary>The Models section, its Defaults included, is checked when the server starts: a bad value stops it with a message naming the setting.</summary>
public sealed class ModelSettingsValidationTests
{
    [Theory]
    [InlineData("Models:Defaults:MaxBatchSize", "0")]
    [InlineData("Models:Defaults:MaxBatchTokens", "0")]
    [InlineData("Models:Defaults:QueueCapacity", "0")]
    [InlineData("Models:Defaults:Instances", "65")]
    [InlineData("Models:Defaults:RequestTimeoutMs", "0")]
    [InlineData("Models:Defaults:MaxQueueDelayMs", "-1")]
    [InlineData("Models:Defaults:MaxSequenceLength", "0")]
    [InlineData("Models:PollIntervalMs", "10")]
    [InlineData("Models:VersionsToServe", "0")]
    [InlineData("Api:MaxInputsPerRequest", "0")]
    public async Task Start_SettingOutOfRange_FailsNamingTheSettingAndTheValue(string setting, string value)
    {
        using var host = BuildHost((setting, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        Assert.Contains($"Given: {value}.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_TheShippedAppSettings_PassesTheChecks()
    {
        using var host = BuildHost(("Models:Path", Path.Combine(Path.GetTempPath(), "inferenceapi-no-models-" + Guid.NewGuid().ToString("N"))));

        await host.StartAsync();
        await host.StopAsync();
    }

    /// <summary>
    /// The server's own registrations over the repository's appsettings.json in a plain host: start runs the options
    /// checks before any model loads.
    /// </summary>
    private static IHost BuildHost(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonFile(Path.Combine(TestPaths.RepositoryRoot, "appsettings.json"), optional: false);
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddInferenceServer(builder.Configuration);
        return builder.Build();
    }
}
