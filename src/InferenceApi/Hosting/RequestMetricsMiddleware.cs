using InferenceApi.Core.Diagnostics;
using InferenceApi.Endpoints;

namespace InferenceApi.Hosting;

/// <summary>Counts every API request by model, endpoint and status, including those refused before reaching a model.</summary>
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
            if (context.Request.Path.StartsWithSegments("/v1") || context.Request.Path.StartsWithSegments("/v2"))
            {
                var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                var model = context.Items[InferenceTelemetry.ModelItem] as string ?? "none";
                var status = context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode;
                metrics.RecordRequest(model, endpoint, status);
            }
        }
    }
}
