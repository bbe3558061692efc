using System.Globalization;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Models;
using InferenceApi.Hosting;
using InferenceApi.Serving;

namespace InferenceApi.Endpoints;

/// <summary>
/// The one place that puts what a gateway reports where operators look, for every endpoint and whatever the outcome:
/// response headers (<c>x-model-version</c>; <c>x-queue-time</c> and <c>x-inference-time</c> in ms, <c>x-batch-size</c>
/// of the largest batch the request joined, and <c>X-Cache</c>, when inputs ran or came from the cache), the request
/// log line's fields and the request metric's model tag (<see cref="RequestLogFields"/>).
/// </summary>
public static class InferenceTelemetry
{
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
        http.Response.Headers["x-model-version"] = model.Version.ToString(CultureInfo.InvariantCulture);
        if (http.Features.Get<RequestLogFields>() is { } fields)
        {
            fields.Model = model.Name;
            fields.ModelVersion = model.Version;
        }
    }

    private static void Report(this HttpContext http, RunReport run)
    {
        var headers = http.Response.Headers;
        headers["x-cache"] = run.Cache;
        if (http.Features.Get<RequestLogFields>() is { } fields)
        {
            fields.Run = run;
        }

        if (run.QueueTime is { } queue)
        {
            headers["x-queue-time"] = Milliseconds(queue);
        }

        if (run.ComputeTime is { } compute)
        {
            headers["x-inference-time"] = Milliseconds(compute);
        }

        if (run.LargestBatch is { } batch)
        {
            headers["x-batch-size"] = batch.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string Milliseconds(TimeSpan time) => time.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
}
