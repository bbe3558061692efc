using System.Text.Json;
using InferenceApi.Core.Errors;
using InferenceApi.Validation;
using Microsoft.AspNetCore.Diagnostics;

namespace InferenceApi.Errors;

/// <summary>
/// Answers every exception that reaches the pipeline, in the route family's error shape (<see cref="ErrorResult"/>).
/// What the framework throws for a request it cannot bind is told apart by the status it carries
/// (<see cref="BadHttpRequestException.StatusCode"/>, mapped through <see cref="ErrorTable"/>): a body over the limit
/// (413), a media type the route does not read (415), malformed JSON or a wrong type (400, naming the JSON path), no
/// body at all (400). Anything else is a 500 without a stack trace; the request's log line (<c>RequestTelemetryMiddleware</c>)
/// is its one Error, with the exception and the trace id the client sees.
/// </summary>
public sealed class UnhandledExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var error = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => FromJson(json),
            BadHttpRequestException bad => FromStatus(bad, httpContext.Request),
            JsonException json => FromJson(json),
            _ => null,
        };
        error ??= new InferenceError(ErrorKind.Internal, "An unexpected error occurred; the server log has the details under this trace id.");

        await new ErrorResult(error).ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    private static InferenceError FromStatus(BadHttpRequestException bad, HttpRequest request)
    {
        var kind = ErrorTable.KindOf(bad.StatusCode);
        return kind switch
        {
            ErrorKind.UnsupportedMediaType => FrameworkErrors.UnsupportedMediaType(request),

            // Binding's only other 400 without a JSON error: the body is missing (or is JSON null).
            ErrorKind.Validation => new InferenceError(kind, "The request needs a JSON body (Content-Type: application/json)."),
            _ => new InferenceError(kind, bad.Message),
        };
    }

    private static InferenceError FromJson(JsonException json)
    {
        var field = json.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : null;
        var message = json.Message;

        // System.Text.Json gives no types or codes for these three, only its wording; its messages name .NET types, ours must not.
        if (message.StartsWith("The JSON property '", StringComparison.Ordinal) && field is not null)
        {
            return new InferenceError(ErrorKind.Validation, $"`{field}` is not a field of this request; check its spelling in /swagger.") { Field = field };
        }

        // A string that is not text fails the same way as a wrong type; only the inner message (UTF-16 or UTF-8) tells.
        if (json.InnerException is InvalidOperationException { Message: var inner } && inner.Contains("UTF-", StringComparison.Ordinal) && field is not null)
        {
            return JsonText.NotText(field);
        }

        if (message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) && field is not null)
        {
            message = $"`{field}` has the wrong JSON type.";
        }
        else if (field is not null && !message.Contains(field, StringComparison.Ordinal))
        {
            message = $"`{field}` {message}";
        }

        return new InferenceError(ErrorKind.Validation, $"The request body is not valid: {message}") { Field = field };
    }
}
