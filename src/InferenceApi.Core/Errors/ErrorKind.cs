namespace InferenceApi.Core.Errors;

/// <summary>
/// Every way a request can fail, as the API reports it. One table in the web host (<c>ErrorTable</c>) maps each kind
/// to a status code and to what each protocol calls it; nothing else decides statuses.
/// </summary>
public enum ErrorKind
{
    /// <summary>A field is malformed or out of range (400).</summary>
    Validation,

    /// <summary>Unknown model or version, or nothing served at the path (404).</summary>
    NotFound,

    /// <summary>The path exists but not for this method (405); only the framework finds this.</summary>
    MethodNotAllowed,

    /// <summary>The body or an item in it is over a size limit (413).</summary>
    PayloadTooLarge,

    /// <summary>The media type or image format is not one the server decodes (415).</summary>
    UnsupportedMediaType,

    /// <summary>The content is well-formed as a request but cannot be used: a corrupt image, a tensor that does not fit the model (422).</summary>
    Unprocessable,

    /// <summary>The input is longer than the model accepts and the request did not ask to truncate (422).</summary>
    InputTooLong,

    /// <summary>The model's queue is full or a client's rate limit was hit (429, with Retry-After).</summary>
    Overloaded,

    /// <summary>The model exists but is not ready: loading, refused, or retiring (503).</summary>
    ModelNotReady,

    /// <summary>The server is shutting down and no longer admits work (503).</summary>
    Draining,

    /// <summary>The request's deadline passed before it ran (504).</summary>
    DeadlineExceeded,

    /// <summary>The client went away; nothing is sent, the status is only logged (499).</summary>
    Cancelled,

    /// <summary>The runtime failed while running a batch (500).</summary>
    Backend,

    /// <summary>Anything unexpected: an exception no part of the server answered (500, without its details).</summary>
    Internal,

    /// <summary>Access control is on and the request carried no API key (401).</summary>
    MissingApiKey,

    /// <summary>The request carried an API key the server does not know, or no longer knows (401).</summary>
    InvalidApiKey,

    /// <summary>The key is valid but lacks the scope the route needs, such as <c>admin</c> (403).</summary>
    InsufficientScope,

    /// <summary>The key is valid but the model is not in its list (403).</summary>
    ModelForbidden,

    /// <summary>The key has used its requests for this minute (429, with Retry-After and the RateLimit fields).</summary>
    RateLimited,

    /// <summary>The key has used its tokens for this minute, or the request alone needs more than it may use (429).</summary>
    TokenLimitExceeded,
}
