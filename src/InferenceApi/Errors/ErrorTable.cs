using System.Globalization;
using Grpc.Core;
using InferenceApi.Core.Errors;

namespace InferenceApi.Errors;

/// <summary>
/// The one table from an error kind to what every protocol answers: HTTP status, problem-details title and
/// <c>errorType</c>, OpenAI's error type and code, the gRPC status, and the headers the error carries. Every route
/// family's writer (<see cref="ErrorResult"/>), the SSE error events, and the statuses the framework produces itself
/// (<see cref="KindOf"/>) go through it; nothing else decides statuses.
/// </summary>
public static class ErrorTable
{
    private const string InvalidRequest = "invalid_request_error";
    private const string ServerError = "server_error";

    // OpenAI answers a key it does not know with code invalid_api_key, and a key without access to a model with 403 and
    // code model_not_found; its 429s say which quota ran out in `type` (requests or tokens), with code rate_limit_exceeded.
    private const string InvalidApiKey = "invalid_api_key";
    private const string RateLimitExceeded = "rate_limit_exceeded";
    private const string Realm = "Bearer realm=\"inference-api\"";

    public static ErrorSpec Of(ErrorKind kind) => kind switch
    {
        ErrorKind.Validation => new(400, "Invalid request", "validation", InvalidRequest, StatusCode.InvalidArgument),
        ErrorKind.NotFound => new(404, "Not found", "not_found", InvalidRequest, StatusCode.NotFound, "model_not_found"),
        ErrorKind.MethodNotAllowed => new(405, "Method not allowed", "method_not_allowed", InvalidRequest, StatusCode.Unimplemented),
        ErrorKind.PayloadTooLarge => new(413, "Payload too large", "payload_too_large", InvalidRequest, StatusCode.ResourceExhausted),
        ErrorKind.UnsupportedMediaType => new(415, "Unsupported media type", "unsupported_media_type", InvalidRequest, StatusCode.InvalidArgument),
        ErrorKind.Unprocessable => new(422, "Unprocessable content", "unprocessable", InvalidRequest, StatusCode.InvalidArgument),
        ErrorKind.InputTooLong => new(422, "Input too long", "input_too_long", InvalidRequest, StatusCode.InvalidArgument, "context_length_exceeded"),
        ErrorKind.Overloaded => new(429, "Model overloaded", "overloaded", "rate_limit_error", StatusCode.ResourceExhausted),
        ErrorKind.ModelNotReady => new(503, "Model not ready", "model_not_ready", "service_unavailable_error", StatusCode.Unavailable),
        ErrorKind.Draining => new(503, "Server shutting down", "draining", "service_unavailable_error", StatusCode.Unavailable),
        ErrorKind.DeadlineExceeded => new(504, "Deadline exceeded", "deadline_exceeded", ServerError, StatusCode.DeadlineExceeded),
        ErrorKind.Cancelled => new(499, "Client closed request", "cancelled", InvalidRequest, StatusCode.Cancelled),
        ErrorKind.Backend => new(500, "Inference failed", "backend", ServerError, StatusCode.Internal),
        ErrorKind.MissingApiKey => new(401, "API key required", "missing_api_key", InvalidRequest, StatusCode.Unauthenticated, InvalidApiKey, Realm),
        ErrorKind.InvalidApiKey => new(401, "Invalid API key", "invalid_api_key", InvalidRequest, StatusCode.Unauthenticated, InvalidApiKey, Realm + ", error=\"invalid_token\""),
        ErrorKind.InsufficientScope => new(403, "Insufficient scope", "insufficient_scope", InvalidRequest, StatusCode.PermissionDenied, null, Realm + ", error=\"insufficient_scope\""),
        ErrorKind.ModelForbidden => new(403, "Model not permitted", "model_forbidden", InvalidRequest, StatusCode.PermissionDenied, "model_not_found"),
        ErrorKind.RateLimited => new(429, "Rate limit exceeded", "rate_limited", "requests", StatusCode.ResourceExhausted, RateLimitExceeded),
        ErrorKind.TokenLimitExceeded => new(429, "Token limit exceeded", "token_limit_exceeded", "tokens", StatusCode.ResourceExhausted, RateLimitExceeded),
        _ => new(500, "Internal error", "internal", ServerError, StatusCode.Internal),
    };

    /// <summary>
    /// The kind of an error status the framework produced itself (unknown route, wrong method, media type, body
    /// binding), so it is answered from the same rows: the first kind with that status, internal when none has it.
    /// </summary>
    public static ErrorKind KindOf(int status) =>
        Enum.GetValues<ErrorKind>().FirstOrDefault(kind => Of(kind).Status == status, ErrorKind.Internal);

    /// <summary>
    /// The headers an error carries in every family: <c>Retry-After</c> (whole seconds, at least 1) when it says when to
    /// come back, <c>WWW-Authenticate</c> for the access-control kinds, and the IETF <c>RateLimit-Policy</c> and
    /// <c>RateLimit</c> fields of the quota a rate-limit error ran out of.
    /// </summary>
    public static void WriteHeaders(HttpResponse response, InferenceError error)
    {
        if (error.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (Of(error.Kind).Challenge is { } challenge)
        {
            response.Headers.WWWAuthenticate = challenge;
        }

        if (error.Quota is { } quota)
        {
            RateLimitFields.Write(response.Headers, [quota], quota);
        }
    }
}
