using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>
/// A plain host with some of the server's registrations and the given configuration, for tests of what happens at
/// start (options checks run before any hosted service) without a web server around them.
/// </summary>
internal static class StartupHost
{
    /// <param name="jsonFile">A configuration file read first (the repository's appsettings.json), or null.</param>
    public static IHost Build(Action<IServiceCollection, IConfiguration> register, string? jsonFile, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (jsonFile is not null)
        {
            builder.Configuration.AddJsonFile(jsonFile, optional: false);
        }

        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        register(builder.Services, builder.Configuration);
        return builder.Build();
    }
}
