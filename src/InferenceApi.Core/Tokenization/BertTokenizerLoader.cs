using System.Text.Json;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// Builds a BERT tokenizer from a Hugging Face model folder: <c>vocab.txt</c> (required) and
/// <c>tokenizer_config.json</c> (optional; without it, Hugging Face's uncased defaults apply).
/// </summary>
public static class BertTokenizerLoader
{
    public const string VocabularyFileName = "vocab.txt";

    public const string ConfigFileName = "tokenizer_config.json";

    /// <exception cref="TokenizerLoadException">A file is missing, unreadable or says something that cannot be used.</exception>
    public static BertWordPieceTokenizer Load(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);

        BertTokenizerOptions options = ReadOptions(modelDirectory);
        return BertWordPieceTokenizer.Create(Path.Combine(modelDirectory, VocabularyFileName), options);
    }

    /// <summary>Reads <c>tokenizer_config.json</c> from <paramref name="modelDirectory"/>, or returns the defaults when there is none.</summary>
    /// <exception cref="TokenizerLoadException">The file is unreadable, is not JSON, or has a setting of the wrong type.</exception>
    public static BertTokenizerOptions ReadOptions(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);

        string path = Path.Combine(modelDirectory, ConfigFileName);
        if (!File.Exists(path))
        {
            return new BertTokenizerOptions();
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"{path}: cannot be read: {ex.Message}", ex);
        }

        try
        {
            // Skip a UTF-8 byte order mark (Windows editors write one); the byte overload would reject it.
            ReadOnlyMemory<byte> json = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes.AsMemory(3) : bytes;
            using JsonDocument document = JsonDocument.Parse(
                json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return ReadOptions(path, document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new TokenizerLoadException($"{path}: not valid JSON: {ex.Message}", ex);
        }
    }

    private static BertTokenizerOptions ReadOptions(string path, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException($"{path}: expected a JSON object, found {root.ValueKind}.");
        }

        var defaults = new BertTokenizerOptions();
        return new BertTokenizerOptions
        {
            DoLowerCase = ReadBoolean(path, root, "do_lower_case") ?? defaults.DoLowerCase,
            StripAccents = ReadBoolean(path, root, "strip_accents"),
            TokenizeChineseChars = ReadBoolean(path, root, "tokenize_chinese_chars") ?? defaults.TokenizeChineseChars,
            ModelMaxLength = ReadMaxLength(path, root),
            ClsToken = ReadToken(path, root, "cls_token") ?? defaults.ClsToken,
            SepToken = ReadToken(path, root, "sep_token") ?? defaults.SepToken,
            PadToken = ReadToken(path, root, "pad_token") ?? defaults.PadToken,
            UnkToken = ReadToken(path, root, "unk_token") ?? defaults.UnkToken,
            MaskToken = ReadToken(path, root, "mask_token") ?? defaults.MaskToken,
        };
    }

    private static bool? ReadBoolean(string path, JsonElement root, string name)
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

    private static int? ReadMaxLength(string path, JsonElement root)
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

    // Special tokens are plain strings, or AddedToken objects ({"content": "[CLS]", ...}) in older transformers versions.
    private static string? ReadToken(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        string? token = value.ValueKind switch
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

        return token;
    }
}
