using Grpc.AspNetCore.Server;
using InferenceApi.Core.Models;
using InferenceApi.Endpoints;
using InferenceApi.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// Where access rules go once API keys exist: model control's route group and the gRPC service's endpoint builder.
/// A rule put on either must reach exactly their endpoints, as <c>RequireAuthorization</c> would.
/// </summary>
public sealed class AccessSeamTests
{
    private static readonly object Rule = new();

    [Fact]
    public async Task MapKServeRepositoryEndpoints_RuleOnTheReturnedGroup_ReachesIndexLoadAndUnloadOnly()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton<ModelRepository>(_ => throw new InvalidOperationException("Listing endpoints must not resolve the repository."));
        await using var app = builder.Build();
        app.MapPost("/v2/models/{name}/infer", (string name) => name);
        app.MapKServeRepositoryEndpoints().WithMetadata(Rule);

        var endpoints = Endpoints(app);

        Assert.Equal(
            ["/v2/repository/index", "/v2/repository/models/{name}/load", "/v2/repository/models/{name}/unload"],
            endpoints.Where(e => e.Metadata.Contains(Rule)).Select(e => e.RoutePattern.RawText).Order(StringComparer.Ordinal));
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/v2/models/{name}/infer" && !e.Metadata.Contains(Rule));
    }

    [Fact]
    public async Task MapKServeGrpc_RuleOnTheReturnedBuilder_ReachesEveryMethodOfTheService()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddGrpc();
        await using var app = builder.Build();
        app.MapKServeGrpc().WithMetadata(Rule);

        var methods = Endpoints(app).Where(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()?.ServiceType == typeof(KServeGrpcService)).ToList();

        Assert.Equal(
            ["ModelInfer", "ModelMetadata", "ModelReady", "ServerLive", "ServerMetadata", "ServerReady"],
            methods.Select(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()!.Method.Name).Order(StringComparer.Ordinal));
        Assert.All(methods, e => Assert.Contains(Rule, e.Metadata));
    }

    private static List<RouteEndpoint> Endpoints(WebApplication app) =>
        ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
}
