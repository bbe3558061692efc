namespace InferenceApi.Access;

/// <summary>
/// One API key as configured (an element of <c>Auth:Keys</c>, or of the keys file's array). The key itself is never
/// configured, only its SHA-256: <c>dotnet run --project src/InferenceApi -- keys new</c> makes a key and prints this entry.
/// </summary>
public sealed class ApiKeyOptions
{
    /// <summary>Who holds the key: it names the key in logs, metrics and rate-limit counters (never the key itself). Required, unique.</summary>
    public string? Name { get; set; }

    /// <summary>Lowercase hex SHA-256 of the key's UTF-8 bytes (64 characters). Required.</summary>
    public string? Sha256 { get; set; }

    /// <summary>The models the key may call; <c>*</c> allows all. Default none: list at least one.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Requests allowed per minute, across replicas when Redis is configured. Default none: unlimited.</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Prompt plus generated tokens allowed per minute on the generation routes. Default none: unlimited.</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary><c>infer</c> (the inference routes) and/or <c>admin</c> (<c>/metrics</c> when exposed to admins, repository control). Default <c>infer</c>.</summary>
    public List<string> Scopes { get; set; } = [];
}
