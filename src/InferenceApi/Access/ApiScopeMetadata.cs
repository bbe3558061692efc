namespace InferenceApi.Access;

/// <summary>
/// Endpoint metadata naming the scope a route needs instead of <see cref="ApiScopes.Infer"/>: <c>.RequireApiScope("admin")</c>
/// on a route (or its group) such as the model repository's load and unload.
/// </summary>
public sealed record ApiScopeMetadata(string Scope);
