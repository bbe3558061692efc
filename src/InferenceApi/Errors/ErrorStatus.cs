using InferenceApi.Core.Errors;

namespace InferenceApi.Errors;

/// <summary>The one table from error kind to HTTP status, title and problem type; JSON and SSE responses both use it.</summary>
public static class ErrorStatus
{
    public static (int Status, string Title, string Type) Of(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => (StatusCodes.Status400BadRequest, "Invalid request", "validation"),
        ErrorKind.NotFound => (StatusCodes.Status404NotFound, "Not found", "not_found"),
        ErrorKind.PayloadTooLarge => (StatusCodes.Status413PayloadTooLarge, "Payload too large", "payload_too_large"),
        ErrorKind.UnsupportedMediaType => (StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "unsupported_media_type"),
        ErrorKind.Unprocessable => (StatusCodes.Status422UnprocessableEntity, "Unprocessable content", "unprocessable"),
        ErrorKind.InputTooLong => (StatusCodes.Status422UnprocessableEntity, "Input too long", "input_too_long"),
        ErrorKind.Overloaded => (StatusCodes.Status429TooManyRequests, "Model overloaded", "overloaded"),
        ErrorKind.ModelNotReady => (StatusCodes.Status503ServiceUnavailable, "Model not ready", "model_not_ready"),
        ErrorKind.Draining => (StatusCodes.Status503ServiceUnavailable, "Server shutting down", "draining"),
        ErrorKind.DeadlineExceeded => (StatusCodes.Status504GatewayTimeout, "Deadline exceeded", "deadline_exceeded"),
        ErrorKind.Cancelled => (499, "Client closed request", "cancelled"),
        ErrorKind.Backend => (StatusCodes.Status500InternalServerError, "Inference failed", "backend"),
        _ => (StatusCodes.Status500InternalServerError, "Error", "internal"),
    };

    /// <summary>The <c>errorType</c> for a status the framework produced itself (unknown route, wrong method, media type).</summary>
    public static string TypeFor(int? status) => status switch
    {
        StatusCodes.Status400BadRequest => "validation",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "overloaded",
        StatusCodes.Status503ServiceUnavailable => "unavailable",
        _ => "internal",
    };
}
