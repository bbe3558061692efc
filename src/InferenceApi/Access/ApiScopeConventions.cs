namespace InferenceApi.Access;

/// <summary>Route conventions of access control.</summary>
public static class ApiScopeConventions
{
    /// <summary>The routes of <paramref name="builder"/> need a key with <paramref name="scope"/> instead of <c>infer</c> (e.g. repository load/unload: <c>admin</c>).</summary>
    public static TBuilder RequireApiScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiScopeMetadata(scope));
}
