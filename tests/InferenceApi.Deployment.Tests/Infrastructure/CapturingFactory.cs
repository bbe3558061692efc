using InferenceApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InferenceApi.Deployment.Tests.Infrastructure;

/// <summary>The real server in-process, keeping the service registrations Program.cs made.</summary>
public sealed class CapturingFactory : InferenceApiFactory
{
    private IHost? _host;

    public IServiceCollection? Registrations { get; private set; }

    public override async ValueTask DisposeAsync()
    {
        // These servers only show how settings bind: a stop cut short skips the drain delay a deployment sets
        // (Shutdown__DrainDelaySeconds), which would otherwise hold every test for that long.
        if (_host is not null)
        {
            await _host.StopAsync(new CancellationToken(canceled: true));
        }

        await base.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => Registrations = services);
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        _host = base.CreateHost(builder);
        return _host;
    }
}
