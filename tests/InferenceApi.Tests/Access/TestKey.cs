using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using InferenceApi.Access;
using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Access;

/// <summary>A fresh API key (made as <c>keys new</c> makes them) with its entry, to configure on a server and send from a client.</summary>
public sealed record TestKey(string Name, string[] Models, int? Rpm = null, int? Tpm = null, string[]? Scopes = null)
{
    public string Key { get; } = KeysCommand.NewKey();

    public ApiKeyOptions Entry => new()
    {
        Name = Name,
        Sha256 = KeysCommand.Hash(Key),
        Models = [.. Models],
        RequestsPerMinute = Rpm,
        TokensPerMinute = Tpm,
        Scopes = [.. Scopes ?? []],
    };

    /// <summary>Configures the keys as <c>Auth:Keys:N:*</c> settings.</summary>
    public static InferenceApiFactory Configure(InferenceApiFactory factory, params TestKey[] keys)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            var entry = keys[i].Entry;
            var prefix = string.Create(CultureInfo.InvariantCulture, $"Auth:Keys:{i}:");
            factory.With(prefix + "Name", entry.Name).With(prefix + "Sha256", entry.Sha256);
            for (var m = 0; m < entry.Models.Count; m++)
            {
                factory.With(string.Create(CultureInfo.InvariantCulture, $"{prefix}Models:{m}"), entry.Models[m]);
            }

            for (var s = 0; s < entry.Scopes.Count; s++)
            {
                factory.With(string.Create(CultureInfo.InvariantCulture, $"{prefix}Scopes:{s}"), entry.Scopes[s]);
            }

            factory.With(prefix + "RequestsPerMinute", entry.RequestsPerMinute?.ToString(CultureInfo.InvariantCulture));
            factory.With(prefix + "TokensPerMinute", entry.TokensPerMinute?.ToString(CultureInfo.InvariantCulture));
        }

        return factory;
    }

    /// <summary>The keys as a keys file's JSON array.</summary>
    public static string FileJson(params TestKey[] keys) => JsonSerializer.Serialize(keys.Select(k => k.Entry));

    /// <summary>A request to <paramref name="path"/> that sends this key as a bearer token.</summary>
    public HttpRequestMessage Get(string path) => new(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Key) } };

    /// <summary>A client of <paramref name="factory"/> that sends this key on every request.</summary>
    public HttpClient ClientOf(InferenceApiFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }
}
