namespace InferenceApi.Access;

/// <summary>What a key may do. Scopes are independent: an <c>admin</c> key for a metrics scraper cannot run models unless it also has <c>infer</c>.</summary>
public static class ApiScopes
{
    /// <summary>Every route under <c>/v1</c> and <c>/v2</c> that is not an operations route.</summary>
    public const string Infer = "infer";

    /// <summary><c>/metrics</c> when <c>Metrics:Exposure</c> is <c>admin</c>, and routes that change what the server serves (<see cref="ApiScopeMetadata"/>).</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Infer, Admin];
}
