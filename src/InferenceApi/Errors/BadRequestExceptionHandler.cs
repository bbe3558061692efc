using System.Text.Json;
using InferenceApi.Core.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace InferenceApi.Errors;

/// <summary>
/// Turns what the framework throws for bad bodies into the same problem details as everything else:
/// malformed JSON or a wrong type names the JSON path, a body over the limit says the limit, and any
/// other failure is a 500 without a stack trace. Under <c>/v2</c> the body is KServe's <c>{"error": …}</c> instead.
/// </summary>
public sealed partial class BadRequestExceptionHandler(ILogger<BadRequestExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var error = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge => new InferenceError(ErrorKind.PayloadTooLarge, tooLarge.Message),
            BadHttpRequestException { InnerException: JsonException json } => FromJson(json),
            BadHttpRequestException bad when bad.Message.Contains("no body was provided", StringComparison.Ordinal) || bad.Message.StartsWith("Required parameter", StringComparison.Ordinal) =>
                new InferenceError(ErrorKind.Validation, "The request needs a JSON body (Content-Type: application/json)."),
            BadHttpRequestException bad => new InferenceError(ErrorKind.Validation, bad.Message),
            JsonException json => FromJson(json),
            _ => null,
        };
        if (error is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Path);
            error = new InferenceError(ErrorKind.Backend, "An unexpected error occurred; the server log has the details under this trace id.");
        }

        await KServeErrorResult.For(httpContext, error).ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    private static InferenceError FromJson(JsonException json)
    {
        var field = json.Path?.TrimStart('$', '.') is { Length: > 0 } path ? path : null;
        var message = json.Message;
        if (message.StartsWith("The JSON property '", StringComparison.Ordinal) && field is not null)
        {
            return new InferenceError(ErrorKind.Validation, $"`{field}` is not a field of this request; check its spelling in /swagger.") { Field = field };
        }

        // The serializer's own messages mention .NET types; keep ours (from converters) and make the rest readable.
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception on {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);
}
