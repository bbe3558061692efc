using InferenceApi.Contracts;
using InferenceApi.Contracts.KServe;
using InferenceApi.Core.Errors;
using Microsoft.AspNetCore.Mvc;

namespace InferenceApi.Errors;

/// <summary>
/// An <see cref="InferenceError"/> written in the shape of the route's family (<see cref="ErrorFamilies"/>), with the
/// status and headers of <see cref="ErrorTable"/>: problem details on our routes, <c>{"error": "…"}</c> under
/// <c>/v2</c>, OpenAI's error object on the OpenAI routes. Endpoints return it; the exception handler, the status-code
/// pages and the body-size limit write it too, so the framework's own errors look like the endpoints' errors.
/// </summary>
/// <param name="status">The status when the framework set one the table has no row for (a 408, say); the table's otherwise.</param>
public sealed class ErrorResult(InferenceError error, int? status = null) : IResult, IStatusCodeHttpResult
{
    public InferenceError Error { get; } = error;

    public int? StatusCode => status ?? ErrorTable.Of(Error.Kind).Status;

    /// <summary>The body of <paramref name="error"/> in this request's family: a response's body, or an SSE <c>error</c> event's.</summary>
    public static object Body(HttpContext context, InferenceError error)
    {
        var spec = ErrorTable.Of(error.Kind);
        return ErrorFamilies.For(context) switch
        {
            ErrorFamily.KServe => new KServeErrorResponse(error.Message),
            ErrorFamily.OpenAi => new OpenAiErrorResponse(new OpenAiError(error.Message, spec.OpenAiType, error.Field, spec.Code)),
            _ => Problem(error, context),
        };
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ErrorTable.WriteHeaders(httpContext.Response, Error);
        switch (Body(httpContext, Error))
        {
            case ProblemDetails problem:
                problem.Status = StatusCode;
                return TypedResults.Problem(problem).ExecuteAsync(httpContext);
            case OpenAiErrorResponse openAi:
                return TypedResults.Json(openAi, statusCode: StatusCode).ExecuteAsync(httpContext);
            case var kserve:
                return TypedResults.Json((KServeErrorResponse)kserve, statusCode: StatusCode).ExecuteAsync(httpContext);
        }
    }

    /// <summary>RFC 7807 with our extensions: <c>errorType</c>, and <c>field</c>, <c>limit</c>, <c>received</c> when the error has them.</summary>
    private static ProblemDetails Problem(InferenceError error, HttpContext context)
    {
        var spec = ErrorTable.Of(error.Kind);
        var problem = new ProblemDetails
        {
            Status = spec.Status,
            Title = spec.Title,
            Detail = error.Message,
            Type = $"https://inference-api.dev/errors/{spec.Type}",
            Instance = context.Request.Path,
        };
        problem.Extensions["errorType"] = spec.Type;
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
}
