namespace InferenceApi.Errors;

/// <summary>The error bodies the server writes, one per family of routes (see <see cref="ErrorFamilies"/>).</summary>
public enum ErrorFamily
{
    /// <summary>RFC 7807 problem details with <c>errorType</c>, <c>field</c>, <c>limit</c>, <c>received</c>: our own routes.</summary>
    ProblemDetails,

    /// <summary>The Open Inference Protocol's <c>{"error": "message"}</c>: everything under <c>/v2</c>.</summary>
    KServe,

    /// <summary>OpenAI's <c>{"error": {"message", "type", "param", "code"}}</c>: the OpenAI-compatible routes.</summary>
    OpenAi,
}
