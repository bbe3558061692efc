using InferenceApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Deployment.Tests.Infrastructure;

/// <summary>The real server in-process, keeping the service registrations Program.cs made.</summary>
public sealed class CapturingFactory : InferenceApiFactory
{
    public IServiceCollection? Registrations { get; private set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => Registrations = services);
    }
}
