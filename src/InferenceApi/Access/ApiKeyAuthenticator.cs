using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using InferenceApi.Core.Errors;

namespace InferenceApi.Access;

/// <summary>
/// Finds the key a request presents, as <c>Authorization: Bearer KEY</c> (what OpenAI clients send) or <c>X-Api-Key: KEY</c>.
/// The presented key is hashed with SHA-256 and compared with every stored hash in constant time
/// (<see cref="CryptographicOperations.FixedTimeEquals"/>, no early exit), so neither the comparison nor the position of the
/// match tells an attacker how close a guess was. Keys are never stored, logged or echoed in an error.
/// </summary>
public sealed class ApiKeyAuthenticator(ApiKeyStore store)
{
    /// <summary>Longest key looked at; a longer header value is answered 401 without hashing (keys new makes 47 characters).</summary>
    public const int MaxKeyLength = 512;

    private const string Scheme = "Bearer";

    public bool Enabled => store.Enabled;

    /// <summary>The caller presenting these header values (either may be null), or a 401 error saying what is wrong.</summary>
    public Result<ApiCaller> Authenticate(string? authorization, string? apiKey)
    {
        if (!store.Enabled)
        {
            return ApiCaller.Anonymous;
        }

        var presented = Presented(authorization) ?? Trimmed(apiKey);
        if (presented is null)
        {
            return new InferenceError(ErrorKind.MissingApiKey,
                "This server needs an API key: send it as `Authorization: Bearer KEY` or as `X-Api-Key: KEY`.");
        }

        var key = presented.Length <= MaxKeyLength ? Find(presented, store.Keys) : null;
        return key is null
            ? new InferenceError(ErrorKind.InvalidApiKey, "The API key is not valid: unknown, revoked or mistyped. Check it, or ask the server's operator for a new one.")
            : ApiCaller.For(key);
    }

    /// <summary>The key whose hash equals the presented key's, looking at every key whatever matched.</summary>
    internal static ApiKey? Find(string presented, IReadOnlyList<ApiKey> keys)
    {
        var length = Encoding.UTF8.GetMaxByteCount(presented.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(presented, rented);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(rented.AsSpan(0, written), hash);

            ApiKey? found = null;
            for (var i = 0; i < keys.Count; i++)
            {
                if (CryptographicOperations.FixedTimeEquals(hash, keys[i].Sha256))
                {
                    found = keys[i];
                }
            }

            return found;
        }
        finally
        {
            // The buffer held the key: clear it before another renter sees it.
            CryptographicOperations.ZeroMemory(rented);
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The token of a Bearer <c>Authorization</c> value (scheme in any case); null for none or another scheme.</summary>
    private static string? Presented(string? authorization)
    {
        var value = authorization.AsSpan().Trim();
        if (value.Length <= Scheme.Length || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || value[Scheme.Length] != ' ')
        {
            return null;
        }

        var token = value[Scheme.Length..].Trim();
        return token.IsEmpty ? null : token.ToString();
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
