using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceApi.Access;

/// <summary>
/// <c>keys new --name NAME --models a,b [--rpm N] [--tpm N] [--scopes infer,admin] [--json]</c>, run instead of the server
/// (<c>dotnet run --project src/InferenceApi -- keys new …</c>): makes a random key (256 bits), prints it once, and prints
/// the entry that holds its SHA-256 for the keys file, appsettings.json or environment variables. Nothing is stored.
/// </summary>
public static class KeysCommand
{
    /// <summary>Keys start with this, so that secret scanners and people recognise one in a paste.</summary>
    public const string Prefix = "iak_";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static bool Matches(string[] args) => args is ["keys", ..];

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var name = new Option<string>("--name") { Description = "Who gets the key: its name in logs, metrics and limits", Required = true };
        var models = new Option<string[]>("--models")
        {
            Description = "Models the key may call (comma-separated, or * for all)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var rpm = new Option<int?>("--rpm") { Description = "Requests per minute (default: unlimited)" };
        var tpm = new Option<int?>("--tpm") { Description = "Prompt plus generated tokens per minute on generation routes (default: unlimited)" };
        var scopes = new Option<string[]>("--scopes") { Description = "infer and/or admin (default: infer)", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object {key, entry} and nothing else, for scripts" };
        var create = new Command("new", "Make a new API key and print it with its configuration entry") { name, models, rpm, tpm, scopes, json };
        create.SetAction(parse =>
        {
            var entry = new ApiKeyOptions
            {
                Name = parse.GetValue(name),
                Models = Split(parse.GetValue(models)),
                RequestsPerMinute = parse.GetValue(rpm),
                TokensPerMinute = parse.GetValue(tpm),
                Scopes = Split(parse.GetValue(scopes)) is { Count: > 0 } given ? given : [ApiScopes.Infer],
            };
            var key = NewKey();
            entry.Sha256 = Hash(key);
            var errors = new List<string>();
            ApiKeyParser.Parse([entry], _ => "the new key", errors);
            if (errors.Count > 0)
            {
                foreach (var message in errors)
                {
                    error.WriteLine($"error: {message}");
                }

                return 2;
            }

            if (parse.GetValue(json))
            {
                output.WriteLine(new JsonObject { ["key"] = key, ["entry"] = Entry(entry) }.ToJsonString());
            }
            else
            {
                Describe(output, key, entry);
            }

            return 0;
        });
        var root = new RootCommand("InferenceApi: serves models, or with 'keys' manages API keys") { new Command("keys", "API keys for access control") { create } };
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>A fresh key: the prefix and 32 random bytes in base64url (47 characters).</summary>
    public static string NewKey() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lowercase hex SHA-256 of the key's UTF-8 bytes: what <c>Sha256</c> holds.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static void Describe(TextWriter output, string key, ApiKeyOptions entry)
    {
        output.WriteLine($"API key for '{entry.Name}' (shown once: store it now; the server keeps only its SHA-256):");
        output.WriteLine();
        output.WriteLine($"  {key}");
        output.WriteLine();
        output.WriteLine("Add this entry to the keys file (Auth:KeysFile, a JSON array; picked up without a restart) or to Auth:Keys in appsettings.json:");
        output.WriteLine();
        output.WriteLine(Entry(entry).ToJsonString(Indented));
        output.WriteLine();
        output.WriteLine("or as environment variables, with N the next free index of Auth:Keys:");
        output.WriteLine();
        output.WriteLine($"  Auth__Keys__N__Name={entry.Name}");
        output.WriteLine($"  Auth__Keys__N__Sha256={entry.Sha256}");
        for (var i = 0; i < entry.Models.Count; i++)
        {
            output.WriteLine($"  Auth__Keys__N__Models__{i}={entry.Models[i]}");
        }

        if (entry.RequestsPerMinute is { } requests)
        {
            output.WriteLine($"  Auth__Keys__N__RequestsPerMinute={requests}");
        }

        if (entry.TokensPerMinute is { } tokens)
        {
            output.WriteLine($"  Auth__Keys__N__TokensPerMinute={tokens}");
        }

        for (var i = 0; i < entry.Scopes.Count; i++)
        {
            output.WriteLine($"  Auth__Keys__N__Scopes__{i}={entry.Scopes[i]}");
        }

        output.WriteLine();
        output.WriteLine("Clients send it as 'Authorization: Bearer KEY' (OpenAI SDKs: the api key) or 'X-Api-Key: KEY'.");
    }

    private static JsonObject Entry(ApiKeyOptions entry)
    {
        var json = new JsonObject
        {
            ["Name"] = entry.Name,
            ["Sha256"] = entry.Sha256,
            ["Models"] = new JsonArray([.. entry.Models.Select(m => JsonValue.Create(m))]),
        };
        if (entry.RequestsPerMinute is { } requests)
        {
            json["RequestsPerMinute"] = requests;
        }

        if (entry.TokensPerMinute is { } tokens)
        {
            json["TokensPerMinute"] = tokens;
        }

        json["Scopes"] = new JsonArray([.. entry.Scopes.Select(s => JsonValue.Create(s))]);
        return json;
    }

    private static List<string> Split(string[]? values) =>
        values?.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList() ?? [];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
