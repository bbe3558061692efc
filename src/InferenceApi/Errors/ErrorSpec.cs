using Grpc.Core;

namespace InferenceApi.Errors;

/// <summary>
/// How one kind of error is answered, in every protocol the server speaks.
/// </summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Title">The problem-details title.</param>
/// <param name="Type">Our machine-readable name: <c>errorType</c> in problem details, <c>code</c> in OpenAI's error object (unless <paramref name="OpenAiCode"/> says otherwise).</param>
/// <param name="OpenAiType">OpenAI's error <c>type</c> (<c>invalid_request_error</c>, <c>rate_limit_error</c>, <c>service_unavailable_error</c>, <c>server_error</c>).</param>
/// <param name="Grpc">The gRPC status code, for the gRPC front end (KServe v2 over gRPC).</param>
/// <param name="OpenAiCode">OpenAI's own <c>code</c> where clients look for one (<c>context_length_exceeded</c>, <c>model_not_found</c>); else <paramref name="Type"/>.</param>
/// <param name="Challenge">The <c>WWW-Authenticate</c> value (RFC 6750 Bearer) that the access-control kinds carry; over gRPC it is trailer metadata of the same name.</param>
public sealed record ErrorSpec(int Status, string Title, string Type, string OpenAiType, StatusCode Grpc, string? OpenAiCode = null, string? Challenge = null)
{
    /// <summary>The <c>code</c> of OpenAI's error object.</summary>
    public string Code => OpenAiCode ?? Type;
}
