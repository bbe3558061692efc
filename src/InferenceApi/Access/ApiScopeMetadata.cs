namespace InferenceApi.Access;

/// <summary>
/// Endpoint metadata naming the scope a route needs instead of <see cref="ApiScopes.Infer"/>, set by
/// <see cref="ApiScopeConventions.RequireApiScope{TBuilder}(TBuilder, string)"/>
/// on a route (or its group) such as the model repository's load and unload.
/// </summary>
public sealed record ApiScopeMetadata(string Scope);
