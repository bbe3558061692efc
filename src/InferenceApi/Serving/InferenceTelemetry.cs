using System.Globalization;
using Serilog;

namespace InferenceApi.Serving;

/// <summary>
/// Puts a request's model, timings and cache outcome where operators look: response headers
/// (<c>x-queue-time</c>, <c>x-inference-time</c> in ms, <c>x-batch-size</c> of the largest batch the request joined, <c>X-Cache</c>, <c>x-model-version</c>), the
/// request log line, and the request metric's model tag.
/// </summary>
public static class InferenceTelemetry
{
    public const string ModelItem = "inference.model";

    public static void Tag(HttpContext http, string model, long version)
    {
        http.Items[ModelItem] = model;
        http.Response.Headers["x-model-version"] = version.ToString(CultureInfo.InvariantCulture);
        if (http.RequestServices.GetService<IDiagnosticContext>() is { } log)
        {
            log.Set("Model", model);
            log.Set("ModelVersion", version);
        }
    }

    public static void Report(HttpContext http, CachedBatch run)
    {
        var headers = http.Response.Headers;
        headers["x-queue-time"] = run.QueueTime.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        headers["x-inference-time"] = run.ComputeTime.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
        headers["x-batch-size"] = run.LargestBatch.ToString(CultureInfo.InvariantCulture);
        headers["x-cache"] = run.CacheHits == run.Outputs.Count ? "hit" : run.CacheHits == 0 ? "miss" : "partial";
        if (http.RequestServices.GetService<IDiagnosticContext>() is { } log)
        {
            log.Set("BatchSize", run.LargestBatch);
            log.Set("QueueMs", run.QueueTime.TotalMilliseconds);
            log.Set("ComputeMs", run.ComputeTime.TotalMilliseconds);
            log.Set("CacheHits", run.CacheHits);
            log.Set("Inputs", run.Outputs.Count);
        }
    }
}
