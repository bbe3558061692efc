using InferenceApi.Core.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace InferenceApi.Errors;

/// <summary>
/// The statuses the framework answers by itself, with no body (no endpoint for the path, none for the method), turned
/// into an <see cref="InferenceError"/> of the kind <see cref="ErrorTable"/> gives that status, with a message that says
/// what to do, and written like any other error (<see cref="ErrorResult"/>). Routes that answer with an empty body on
/// purpose (KServe readiness) opt out with <c>SkipStatusCodePages</c>.
/// </summary>
public static class FrameworkErrors
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var status = http.Response.StatusCode;
        var kind = ErrorTable.KindOf(status);
        var error = kind switch
        {
            ErrorKind.NotFound => new InferenceError(kind, $"Nothing is served at {request.Path}; /swagger lists the endpoints."),
            ErrorKind.MethodNotAllowed => new InferenceError(kind, $"{request.Method} is not allowed on {request.Path}; /swagger lists the methods."),
            ErrorKind.UnsupportedMediaType => UnsupportedMediaType(request),
            _ => new InferenceError(kind, $"The request failed with status {status}."),
        };
        return new ErrorResult(error, status).ExecuteAsync(http);
    }

    public static InferenceError UnsupportedMediaType(HttpRequest request) =>
        new(ErrorKind.UnsupportedMediaType, $"Content type '{request.ContentType ?? "none"}' is not accepted by {request.Path}; /swagger shows what it takes.")
        {
            Received = request.ContentType,
        };
}
