using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using InferenceApi.Core.Models;

namespace InferenceApi.Access;

/// <summary>
/// Turns configured key entries (<see cref="ApiKeyOptions"/>) into <see cref="ApiKey"/>s, or into messages naming the
/// entry and the field to fix. One rule for configuration and for the keys file. Messages never repeat a hash or a key.
/// </summary>
public static partial class ApiKeyParser
{
    /// <summary>Largest keys file read: far above any real list, and a bound on what a wrong path can make the server read.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    public const int MaxNameLength = 64;

    /// <summary>How configuration names an entry of <c>Auth:Keys</c>: the key to set, <c>Auth:Keys:3</c>.</summary>
    public static string ConfiguredEntry(int index) => $"{AuthOptions.Section}:{nameof(AuthOptions.Keys)}:{index}";

    private static readonly JsonSerializerOptions FileJson = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 8,

        // A misspelt field ("RequestPerMinute") must not silently mean "unlimited".
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>
    /// The keys of <paramref name="entries"/>; <paramref name="errors"/> gets one message per problem, naming the entry as
    /// <paramref name="entryName"/> does (<c>Auth:Keys:3</c>, or <c>/etc/keys.json[3]</c>).
    /// </summary>
    public static List<ApiKey> Parse(IReadOnlyList<ApiKeyOptions?> entries, Func<int, string> entryName, List<string> errors)
    {
        var keys = new List<ApiKey>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var where = entryName(i);
            if (entries[i] is not { } entry)
            {
                errors.Add($"{where} is null; each key is an object with Name, Sha256 and Models.");
                continue;
            }

            if (Parse(entry, where, errors) is { } key)
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    /// <summary>
    /// Reads a keys file whole (at most <see cref="MaxFileBytes"/>), so that what is hashed to notice changes is exactly
    /// what is parsed; null with a message when it cannot be read.
    /// </summary>
    public static byte[]? ReadFile(string path, List<string> errors)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length > MaxFileBytes)
            {
                errors.Add($"'{path}' has {stream.Length} bytes; a keys file may have at most {MaxFileBytes}.");
                return null;
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            errors.Add($"{AuthOptions.Section}:{nameof(AuthOptions.KeysFile)} '{path}' does not exist.");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"'{path}' could not be read: {ex.Message}");
            return null;
        }
    }

    /// <summary>Parses a keys file's content: a JSON array of key objects. Errors name the file, and the line for JSON that does not parse.</summary>
    public static List<ApiKey> ParseFile(string path, ReadOnlySpan<byte> content, List<string> errors)
    {
        List<ApiKeyOptions?>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<List<ApiKeyOptions?>>(content, FileJson);
        }
        catch (JsonException ex)
        {
            // The message has the line and position; it never holds the file's values, only property names.
            errors.Add($"'{path}' is not a JSON array of keys: {ex.Message}");
            return [];
        }

        if (entries is null)
        {
            errors.Add($"'{path}' holds null; write a JSON array of keys ([] for none).");
            return [];
        }

        return Parse(entries, i => $"{path}[{i}]", errors);
    }

    /// <summary>Checks what only the whole set can break: names and hashes used twice.</summary>
    public static void CheckUnique(IReadOnlyList<ApiKey> keys, List<string> errors)
    {
        foreach (var name in keys.GroupBy(k => k.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            errors.Add($"The key name '{name}' is used more than once; names identify keys in logs, metrics and limits.");
        }

        foreach (var names in keys.GroupBy(k => Convert.ToHexStringLower(k.Sha256), StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"The keys {string.Join(", ", names.Select(k => $"'{k.Name}'"))} have the same Sha256: they are one key.");
        }
    }

    private static ApiKey? Parse(ApiKeyOptions entry, string where, List<string> errors)
    {
        var before = errors.Count;
        var name = entry.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add($"{where}:Name is required.");
        }
        else if (name.Length > MaxNameLength || !NamePattern().IsMatch(name))
        {
            errors.Add($"{where}:Name must have 1 to {MaxNameLength} letters, digits, '.', '_' or '-' (it is a metric label and a Redis key part).");
        }

        byte[]? hash = null;
        var hex = entry.Sha256?.Trim();
        if (hex is null || hex.Length != 64 || !HexPattern().IsMatch(hex))
        {
            errors.Add($"{where}:Sha256 must be the 64 lowercase hex characters of the key's SHA-256 (keys new prints it); got {hex?.Length ?? 0} characters.");
        }
        else
        {
            hash = Convert.FromHexString(hex);
        }

        if (entry.Models.Count == 0)
        {
            errors.Add($"{where}:Models is empty; list the models the key may call, or \"{ApiKey.AllModels}\" for all.");
        }

        foreach (var model in entry.Models)
        {
            if (model != ApiKey.AllModels && !ModelName.IsValid(model))
            {
                errors.Add($"{where}:Models has '{Shorten(model)}', which is not \"{ApiKey.AllModels}\" and not a model name: {ModelName.Rule}.");
            }
        }

        CheckLimit(entry.RequestsPerMinute, $"{where}:{nameof(ApiKeyOptions.RequestsPerMinute)}", errors);
        CheckLimit(entry.TokensPerMinute, $"{where}:{nameof(ApiKeyOptions.TokensPerMinute)}", errors);

        var scopes = entry.Scopes.Count == 0 ? [ApiScopes.Infer] : entry.Scopes;
        foreach (var scope in scopes.Where(s => !ApiScopes.All.Contains(s)))
        {
            errors.Add($"{where}:Scopes has '{Shorten(scope)}'; the scopes are {string.Join(" and ", ApiScopes.All)}.");
        }

        return errors.Count > before
            ? null
            : new ApiKey(name!, hash!, entry.Models, scopes, entry.RequestsPerMinute, entry.TokensPerMinute);
    }

    private static void CheckLimit(int? limit, string where, List<string> errors)
    {
        if (limit is < 1)
        {
            errors.Add($"{where} must be at least 1 (leave it out for no limit). Given: {limit}");
        }
    }

    private static string Shorten(string? text) => text is null ? "null" : text.Length <= 64 ? text : text[..64] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9._-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex HexPattern();
}
