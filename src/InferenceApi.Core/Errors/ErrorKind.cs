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
}
