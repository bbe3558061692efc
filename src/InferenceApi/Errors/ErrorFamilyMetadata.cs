namespace InferenceApi.Errors;

/// <summary>
/// Endpoint metadata naming the <see cref="ErrorFamily"/> a route answers in (set by
/// <see cref="ErrorFamilies.WithErrorFamily{TBuilder}(TBuilder, ErrorFamily)"/>): <see cref="Documented"/> for the
/// OpenAPI document, and per request what <see cref="Resolve"/> says.
/// </summary>
public sealed class ErrorFamilyMetadata(ErrorFamily documented, Func<HttpRequest, ErrorFamily>? resolve = null)
{
    public ErrorFamily Documented { get; } = documented;

    public ErrorFamily Resolve(HttpRequest request) => resolve?.Invoke(request) ?? Documented;
}
