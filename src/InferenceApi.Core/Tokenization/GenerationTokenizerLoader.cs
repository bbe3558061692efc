namespace InferenceApi.Core.Tokenization;

/// <summary>
/// Chooses a text-generation model's tokenizer from the files in its folder: GPT-2's <c>vocab.json</c> +
/// <c>merges.txt</c> first (what this server has always served), else Hugging Face's <c>tokenizer.json</c>, else
/// SentencePiece's <c>tokenizer.model</c>; <c>tokenizer_config.json</c> adds special tokens and their use.
/// </summary>
public static class GenerationTokenizerLoader
{
    /// <exception cref="TokenizerLoadException">No usable tokenizer files, half of a pair, or files that contradict each other; the message says which.</exception>
    public static IGenerationTokenizer Load(string modelDirectory, GenerationTokenizerConfig config)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentNullException.ThrowIfNull(config);
        bool Has(string file) => File.Exists(Path.Combine(modelDirectory, file));

        bool vocab = Has(Gpt2TokenizerLoader.VocabularyFileName);
        bool merges = Has(Gpt2TokenizerLoader.MergesFileName);
        if (vocab && merges)
        {
            return Gpt2TokenizerLoader.Load(modelDirectory);
        }

        if (Has(HuggingFaceTokenizer.FileName))
        {
            return HuggingFaceTokenizer.Load(modelDirectory, config);
        }

        if (Has(SentencePieceTokenizer.FileName))
        {
            return SentencePieceTokenizer.Load(modelDirectory, config);
        }

        if (vocab || merges)
        {
            (string present, string missing) = vocab
                ? (Gpt2TokenizerLoader.VocabularyFileName, Gpt2TokenizerLoader.MergesFileName)
                : (Gpt2TokenizerLoader.MergesFileName, Gpt2TokenizerLoader.VocabularyFileName);
            throw new TokenizerLoadException(
                $"{Path.Combine(modelDirectory, present)}: found without {missing}; a GPT-2 style tokenizer needs both (or ship {HuggingFaceTokenizer.FileName} instead).");
        }

        throw new TokenizerLoadException(
            $"{modelDirectory}: no tokenizer; a text-generation model needs {Gpt2TokenizerLoader.VocabularyFileName} + {Gpt2TokenizerLoader.MergesFileName}, {HuggingFaceTokenizer.FileName} or {SentencePieceTokenizer.FileName}.");
    }
}
