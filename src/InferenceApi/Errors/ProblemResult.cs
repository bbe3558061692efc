using System.Globalization;
using InferenceApi.Core.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace InferenceApi.Errors;

/// <summary>
/// An <see cref="InferenceError"/> as an RFC 7807 response: status from <see cref="ErrorStatus"/>,
/// <c>errorType</c>, <c>field</c>, <c>limit</c> and <c>received</c> extensions, and <c>Retry-After</c>
/// when the error says when to come back.
/// </summary>
public sealed class ProblemResult(InferenceError error) : IResult, IStatusCodeHttpResult
{
    public InferenceError Error { get; } = error;

    public int? StatusCode => ErrorStatus.Of(Error.Kind).Status;

    public static ProblemDetails ToProblemDetails(InferenceError error, HttpContext? context = null)
    {
        var (status, title, type) = ErrorStatus.Of(error.Kind);
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = error.Message,
            Type = $"https://inference-api.dev/errors/{type}",
            Instance = context?.Request.Path,
        };
        problem.Extensions["errorType"] = type;
        if (error.Field is not null)
        {
            problem.Extensions["field"] = error.Field;
        }

        if (error.Limit is not null)
        {
            problem.Extensions["limit"] = error.Limit;
        }

        if (error.Received is not null)
        {
            problem.Extensions["received"] = error.Received;
        }

        return problem;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (Error.RetryAfter is { } retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        var problem = ToProblemDetails(Error, httpContext);
        return TypedResults.Problem(problem).ExecuteAsync(httpContext);
    }
}
