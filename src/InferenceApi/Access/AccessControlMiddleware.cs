using InferenceApi.Endpoints;
using InferenceApi.Errors;
using InferenceApi.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace InferenceApi.Access;

/// <summary>
/// Access control for HTTP, with <see cref="AccessControl"/>: everything under <c>/v1</c> and <c>/v2</c> needs a key with
/// the route's scope (<see cref="ApiScopeMetadata"/>, else <c>infer</c>), and so do the KServe gRPC calls, except routes
/// marked <see cref="IAllowAnonymous"/> (<c>/v2/health/*</c>, gRPC's ServerLive and ServerReady); <c>/metrics</c>
/// needs <c>admin</c> when <c>Metrics:Exposure</c> says so; the rest (health, Swagger, the playground) is public. A model
/// named in the path (<c>{name}</c>) must be one of the key's; then the request takes one permit of the key's requests per
/// minute, and the answer carries the RateLimit fields. Refusals are written in the route family's shape. The key's name
/// goes to the request log as <c>ApiKey</c>. Does nothing while no key is configured.
/// </summary>
public sealed class AccessControlMiddleware(RequestDelegate next, AccessControl access, IOptions<MetricsOptions> metrics)
{
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly bool _adminMetrics = metrics.Value.Exposure == MetricsExposure.Admin;

    public Task InvokeAsync(HttpContext http) =>
        access.Enabled && ScopeFor(http) is { } scope ? CheckAsync(http, scope) : next(http);

    private async Task CheckAsync(HttpContext http, string scope)
    {
        var headers = http.Request.Headers;
        var caller = access.Authenticate(headers.Authorization.ToString(), headers[ApiKeyHeader].ToString());
        if (!caller.IsSuccess)
        {
            await new ErrorResult(caller.Error).ExecuteAsync(http);
            return;
        }

        var key = caller.Value;
        http.Features.Set(key);
        if (http.Features.Get<RequestLogFields>() is { } logged)
        {
            logged.ApiKey = key.Name;
        }

        var denied = access.AuthorizeScope(key, scope) ?? (ModelInPath(http) is { } model ? access.AuthorizeModel(key, model, "name") : null);
        if (denied is not null)
        {
            await new ErrorResult(denied).ExecuteAsync(http);
            return;
        }

        var admitted = await access.AdmitAsync(key, http.RequestAborted);
        if (!admitted.IsSuccess)
        {
            await new ErrorResult(admitted.Error).ExecuteAsync(http);
            return;
        }

        RateLimitFields.Write(http.Response.Headers, ApiRateLimiter.Policies(key), admitted.Value);
        await next(http);
    }

    /// <summary>The scope the request needs, or null for a public path.</summary>
    private string? ScopeFor(HttpContext http)
    {
        var path = http.Request.Path;
        var endpoint = http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return null;
        }

        if (path.StartsWithSegments("/v1") || path.StartsWithSegments(ErrorFamilies.KServePrefix) || path.StartsWithSegments(KServeGrpcService.PathPrefix))
        {
            return endpoint?.Metadata.GetMetadata<ApiScopeMetadata>()?.Scope ?? ApiScopes.Infer;
        }

        return _adminMetrics && path.StartsWithSegments("/metrics") ? ApiScopes.Admin : null;
    }

    /// <summary>The model a route names in its path (<c>/v1/models/{name}</c>, <c>/v2/models/{name}/…</c>).</summary>
    private static string? ModelInPath(HttpContext http) =>
        http.GetEndpoint() is RouteEndpoint route && route.RoutePattern.GetParameter("name") is not null
            ? http.GetRouteValue("name") as string
            : null;
}
