using System.Globalization;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Serving;
using Serilog;

namespace InferenceApi.Endpoints;

/// <summary>
/// The one place that puts what a gateway reports where operators look, for every endpoint and whatever the outcome:
/// response headers (<c>x-model-version</c>; <c>x-queue-time</c> and <c>x-inference-time</c> in ms, <c>x-batch-size</c>
/// of the largest batch the request joined, and <c>X-Cache</c>, when inputs ran or came from the cache), the request
/// log line, and the request metric's model tag.
/// </summary>
public static class InferenceTelemetry
{
    public const string ModelItem = "inference.model";

    /// <summary>Reports what <paramref name="served"/> says and hands back its result.</summary>
    public static Result<T> Report<T>(this HttpContext http, Served<T> served)
    {
        if (served.Model is { } model)
        {
            http.Tag(model);
        }

        if (served.Report is { } report)
        {
            http.Report(report);
        }

        return served.Result;
    }

    public static void Tag(this HttpContext http, ModelVersion model)
    {
        http.Items[ModelItem] = model.Name;
        http.Response.Headers["x-model-version"] = model.Version.ToString(CultureInfo.InvariantCulture);
        if (http.RequestServices.GetService<IDiagnosticContext>() is { } log)
        {
            log.Set("Model", model.Name);
            log.Set("ModelVersion", model.Version);
        }
    }

    private static void Report(this HttpContext http, RunReport run)
    {
        var headers = http.Response.Headers;
        var log = http.RequestServices.GetService<IDiagnosticContext>();
        headers["x-cache"] = run.Cache;
        log?.Set("CacheHits", run.CacheHits);
        log?.Set("Inputs", run.Inputs);
        if (run.QueueTime is { } queue)
        {
            headers["x-queue-time"] = Milliseconds(queue);
            log?.Set("QueueMs", queue.TotalMilliseconds);
        }

        if (run.ComputeTime is { } compute)
        {
            headers["x-inference-time"] = Milliseconds(compute);
            log?.Set("ComputeMs", compute.TotalMilliseconds);
        }

        if (run.LargestBatch is { } batch)
        {
            headers["x-batch-size"] = batch.ToString(CultureInfo.InvariantCulture);
            log?.Set("BatchSize", batch);
        }
    }

    private static string Milliseconds(TimeSpan time) => time.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
}
