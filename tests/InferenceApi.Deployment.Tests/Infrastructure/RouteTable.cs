using InferenceApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Deployment.Tests.Infrastructure;

/// <summary>The GET routes the real server maps (its route table, through WebApplicationFactory).</summary>
public sealed class RouteTable : IAsyncLifetime
{
    private readonly InferenceApiFactory _factory = new();

    public HttpClient Client { get; private set; } = null!;

    public IReadOnlySet<string> GetRoutes { get; private set; } = new HashSet<string>();

    public async Task InitializeAsync()
    {
        Client = await _factory.StartAsync();
        GetRoutes = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") ?? true)
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            .ToHashSet(StringComparer.Ordinal);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
