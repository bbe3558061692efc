using System.Text.Json;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// Reading Hugging Face tokenizer files (<c>tokenizer_config.json</c>, <c>vocab.json</c>): the shared parsing and
/// error wording, so that every loader names the file and the setting the same way.
/// </summary>
internal static class TokenizerConfigJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Reads the file's bytes, naming the file in the error; <paramref name="missingHint"/> says what the folder needs.</summary>
    /// <exception cref="TokenizerLoadException">The file is missing or unreadable.</exception>
    public static byte[] ReadBytes(string path, string missingHint)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TokenizerLoadException($"{path}: file not found; {missingHint}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"{path}: cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Parses JSON, skipping a UTF-8 byte order mark (Windows editors write one; the byte overload would reject it).</summary>
    /// <exception cref="TokenizerLoadException">The bytes are not JSON.</exception>
    public static JsonDocument Parse(string path, byte[] bytes)
    {
        ReadOnlyMemory<byte> json = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes.AsMemory(3) : bytes;
        try
        {
            return JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new TokenizerLoadException($"{path}: not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Reads and parses an optional JSON object; <c>null</c> when the file does not exist.</summary>
    /// <exception cref="TokenizerLoadException">The file is unreadable, is not JSON or is not an object.</exception>
    public static JsonDocument? ReadOptionalObject(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        JsonDocument document = Parse(path, ReadBytes(path, "it was there a moment ago."));
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            JsonValueKind kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new TokenizerLoadException($"{path}: expected a JSON object, found {kind}.");
        }

        return document;
    }

    public static bool? ReadBoolean(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => throw new TokenizerLoadException($"{path}: '{name}' must be true, false or null, found {value.GetRawText()}."),
        };
    }

    public static int? ReadMaxLength(string path, JsonElement root)
    {
        const string Name = "model_max_length";
        if (!root.TryGetProperty(Name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double length) || length < 1 || length != Math.Floor(length))
        {
            throw new TokenizerLoadException($"{path}: '{Name}' must be a positive whole number, found {value.GetRawText()}.");
        }

        // Hugging Face writes int(1e30) when a model sets no limit; that means "unknown", not a real limit.
        return length > int.MaxValue ? null : (int)length;
    }

    /// <summary>
    /// Reads a special token: a plain string, or an AddedToken object (<c>{"content": "[CLS]", ...}</c>) as older
    /// transformers versions write. Returns <c>false</c> when the setting is absent; <paramref name="token"/> is
    /// <c>null</c> when it is JSON null (the model has no such token).
    /// </summary>
    public static bool TryReadToken(string path, JsonElement root, string name, out string? token)
    {
        token = null;
        if (!root.TryGetProperty(name, out JsonElement value))
        {
            return false;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        token = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String
                => content.GetString(),
            _ => null,
        };

        if (string.IsNullOrEmpty(token))
        {
            throw new TokenizerLoadException(
                $"{path}: '{name}' must be a non-empty string or an object with a \"content\" string, found {value.GetRawText()}.");
        }

        return true;
    }

    /// <summary>A special token, or <c>null</c> when the setting is absent or JSON null.</summary>
    public static string? ReadToken(string path, JsonElement root, string name) =>
        TryReadToken(path, root, name, out string? token) ? token : null;
}
