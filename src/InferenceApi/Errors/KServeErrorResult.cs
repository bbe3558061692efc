using System.Globalization;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Errors;

namespace InferenceApi.Errors;

/// <summary>
/// An <see cref="InferenceError"/> as the Open Inference Protocol reports it: <c>{"error": "message"}</c>
/// with the status from <see cref="ErrorStatus"/> (the same table as problem details) and <c>Retry-After</c>
/// when the error says when to come back.
/// </summary>
public sealed class KServeErrorResult(InferenceError error) : IResult, IStatusCodeHttpResult
{
    /// <summary>Routes under this prefix answer errors in this shape rather than as problem details.</summary>
    public const string PathPrefix = "/v2";

    public InferenceError Error { get; } = error;

    public int? StatusCode => ErrorStatus.Of(Error.Kind).Status;

    /// <summary>The error body the route expects: KServe's under <c>/v2</c>, problem details elsewhere.</summary>
    public static IResult For(HttpContext context, InferenceError error) =>
        context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.Ordinal) ? new KServeErrorResult(error) : new ProblemResult(error);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (Error.RetryAfter is { } retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Json(new KServeErrorResponse(Error.Message), statusCode: ErrorStatus.Of(Error.Kind).Status).ExecuteAsync(httpContext);
    }
}
