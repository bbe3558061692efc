using System.Text.Json;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// Builds a GPT-2 byte-level BPE tokenizer from a Hugging Face model folder: <c>vocab.json</c> and <c>merges.txt</c>
/// (required) and <c>tokenizer_config.json</c> (optional; without it, <c>GPT2Tokenizer</c>'s defaults apply).
/// </summary>
public static class Gpt2TokenizerLoader
{
    public const string VocabularyFileName = "vocab.json";

    public const string MergesFileName = "merges.txt";

    public const string ConfigFileName = "tokenizer_config.json";

    /// <exception cref="TokenizerLoadException">A file is missing, unreadable or says something that cannot be used.</exception>
    public static Gpt2Tokenizer Load(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);

        Gpt2TokenizerOptions options = ReadOptions(modelDirectory);
        return Gpt2Tokenizer.Create(
            Path.Combine(modelDirectory, VocabularyFileName), Path.Combine(modelDirectory, MergesFileName), options);
    }

    /// <summary>Reads <c>tokenizer_config.json</c> from <paramref name="modelDirectory"/>, or returns the defaults when there is none.</summary>
    /// <exception cref="TokenizerLoadException">The file is unreadable, is not JSON, or has a setting of the wrong type.</exception>
    public static Gpt2TokenizerOptions ReadOptions(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);

        string path = Path.Combine(modelDirectory, ConfigFileName);
        using JsonDocument? document = TokenizerConfigJson.ReadOptionalObject(path);
        if (document is null)
        {
            return new Gpt2TokenizerOptions();
        }

        JsonElement root = document.RootElement;
        var defaults = new Gpt2TokenizerOptions();

        // Absent: the default; JSON null: the model has no such token.
        string? Token(string name, string? fallback) =>
            TokenizerConfigJson.TryReadToken(path, root, name, out string? token) ? token : fallback;

        return new Gpt2TokenizerOptions
        {
            AddPrefixSpace = TokenizerConfigJson.ReadBoolean(path, root, "add_prefix_space") ?? defaults.AddPrefixSpace,
            ModelMaxLength = TokenizerConfigJson.ReadMaxLength(path, root),
            BosToken = Token("bos_token", defaults.BosToken),
            EosToken = Token("eos_token", defaults.EosToken),
            UnkToken = Token("unk_token", defaults.UnkToken),
            PadToken = Token("pad_token", defaults.PadToken),
        };
    }
}
