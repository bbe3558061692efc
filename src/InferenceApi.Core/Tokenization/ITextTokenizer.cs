namespace InferenceApi.Core.Tokenization;

/// <summary>
/// A model's tokenizer, created once per model version from the files in its folder.
/// Implementations are thread-safe: many requests encode at once.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>The id used to pad batches (the model's <c>pad_token</c>).</summary>
    int PadTokenId { get; }

    /// <summary>How many special tokens <see cref="Encode"/> adds around the text (2 for BERT: [CLS] … [SEP]).</summary>
    int SpecialTokenCount { get; }

    /// <summary>
    /// Encodes <paramref name="text"/> with the model's special tokens. When the result would exceed
    /// <paramref name="maxTokens"/> (special tokens included) and <paramref name="truncate"/> is set, the
    /// text's tokens are cut so that the result fits; otherwise the full encoding is returned and
    /// <see cref="TokenizedText.OriginalLength"/> tells the caller how long it was.
    /// </summary>
    TokenizedText Encode(string text, int maxTokens, bool truncate);

    /// <summary>Encodes with token strings and character offsets, for the tokenize endpoint.</summary>
    IReadOnlyList<TokenDetail> Describe(string text, int maxTokens, bool truncate);

    /// <summary>Turns ids back into text; special tokens are dropped when <paramref name="skipSpecialTokens"/> is set.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens);

    /// <summary>Size of the vocabulary; ids outside [0, VocabularySize) are rejected by callers.</summary>
    int VocabularySize { get; }
}
