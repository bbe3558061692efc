using System.Collections.Frozen;

namespace InferenceApi.Access;

/// <summary>
/// A configured key as the server holds it: its name, the SHA-256 of the key (never the key), the models and scopes it
/// allows, and its per-minute limits (null: unlimited).
/// </summary>
public sealed class ApiKey
{
    public const string AllModels = "*";

    private readonly FrozenSet<string>? _models;
    private readonly FrozenSet<string> _scopes;

    public ApiKey(string name, byte[] sha256, IEnumerable<string> models, IEnumerable<string> scopes, int? requestsPerMinute, int? tokensPerMinute)
    {
        Name = name;
        Sha256 = sha256;
        var list = models.ToList();
        _models = list.Contains(AllModels) ? null : list.ToFrozenSet(StringComparer.Ordinal);
        _scopes = scopes.ToFrozenSet(StringComparer.Ordinal);
        RequestsPerMinute = requestsPerMinute;
        TokensPerMinute = tokensPerMinute;
    }

    public string Name { get; }

    /// <summary>The 32 bytes of the key's SHA-256.</summary>
    public byte[] Sha256 { get; }

    public int? RequestsPerMinute { get; }

    public int? TokensPerMinute { get; }

    public IReadOnlyCollection<string> Scopes => _scopes;

    /// <summary>The models allowed, or null when the key allows every model (<c>*</c>).</summary>
    public IReadOnlyCollection<string>? Models => _models;

    public bool AllowsModel(string model) => _models is null || _models.Contains(model);

    public bool HasScope(string scope) => _scopes.Contains(scope);
}
