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
        using JsonDocument? document = TokenizerConfigJson.ReadOptionalObject(path);
        return document is null ? new BertTokenizerOptions() : ReadOptions(path, document.RootElement);
    }

    private static BertTokenizerOptions ReadOptions(string path, JsonElement root)
    {
        var defaults = new BertTokenizerOptions();
        return new BertTokenizerOptions
        {
            DoLowerCase = TokenizerConfigJson.ReadBoolean(path, root, "do_lower_case") ?? defaults.DoLowerCase,
            StripAccents = TokenizerConfigJson.ReadBoolean(path, root, "strip_accents"),
            TokenizeChineseChars = TokenizerConfigJson.ReadBoolean(path, root, "tokenize_chinese_chars") ?? defaults.TokenizeChineseChars,
            ModelMaxLength = TokenizerConfigJson.ReadMaxLength(path, root),
            ClsToken = TokenizerConfigJson.ReadToken(path, root, "cls_token") ?? defaults.ClsToken,
            SepToken = TokenizerConfigJson.ReadToken(path, root, "sep_token") ?? defaults.SepToken,
            PadToken = TokenizerConfigJson.ReadToken(path, root, "pad_token") ?? defaults.PadToken,
            UnkToken = TokenizerConfigJson.ReadToken(path, root, "unk_token") ?? defaults.UnkToken,
            MaskToken = TokenizerConfigJson.ReadToken(path, root, "mask_token") ?? defaults.MaskToken,
        };
    }
}
