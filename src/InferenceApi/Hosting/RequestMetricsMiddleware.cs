using InferenceApi.Core.Diagnostics;
using InferenceApi.Endpoints;
using InferenceApi.Errors;

namespace InferenceApi.Hosting;

/// <summary>
/// Counts every API request by model, endpoint and status, including those refused before reaching a model; gRPC calls
/// too, under the HTTP status of their error's kind (<see cref="GrpcErrors.StatusItem"/>).
/// </summary>
public sealed class RequestMetricsMiddleware(RequestDelegate next, InferenceMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        finally
        {
            if (context.Request.Path.StartsWithSegments("/v1") || context.Request.Path.StartsWithSegments("/v2") || context.Request.Path.StartsWithSegments(KServeGrpcService.PathPrefix))
            {
                var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                var model = context.Items[InferenceTelemetry.ModelItem] as string ?? "none";
                var status = context.RequestAborted.IsCancellationRequested ? 499 : context.Items[GrpcErrors.StatusItem] as int? ?? context.Response.StatusCode;
                metrics.RecordRequest(model, endpoint, status);
            }
        }
    }
}
