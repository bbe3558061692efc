namespace InferenceApi.Access;

/// <summary>
/// Who sent a request, once <see cref="AccessControl.Authenticate"/> accepted it: the holder of an <see cref="ApiKey"/>,
/// or <see cref="Anonymous"/> when access control is off (every model, every scope, no limits).
/// </summary>
public sealed class ApiCaller
{
    private ApiCaller(string name, ApiKey? key)
    {
        Name = name;
        Key = key;
    }

    /// <summary>The caller when no key is configured.</summary>
    public static ApiCaller Anonymous { get; } = new("anonymous", null);

    /// <summary>The key's name (never the key): what logs, metrics and rate-limit counters show.</summary>
    public string Name { get; }

    /// <summary>The key, or null when access control is off.</summary>
    public ApiKey? Key { get; }

    public static ApiCaller For(ApiKey key) => new(key.Name, key);

    public bool CanUse(string model) => Key?.AllowsModel(model) ?? true;

    public bool HasScope(string scope) => Key?.HasScope(scope) ?? true;
}
