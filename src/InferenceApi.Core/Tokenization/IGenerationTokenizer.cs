namespace InferenceApi.Core.Tokenization;

/// <summary>
/// A tokenizer a text-generation model can use: prompts with or without the model's special tokens, token-by-token
/// decoding for streams, and the special tokens a chat template refers to. One per model version, thread-safe.
/// </summary>
public interface IGenerationTokenizer : ITextTokenizer
{
    /// <summary>The bos/eos/unk/pad tokens as tokenizer_config.json (or the tokenizer's defaults) names them, with their ids.</summary>
    SpecialTokenSet SpecialTokens { get; }

    /// <summary><c>model_max_length</c> from tokenizer_config.json; <c>null</c> when the folder does not say.</summary>
    int? ModelMaxLength { get; }

    /// <summary>
    /// Encodes a generation prompt. <paramref name="addSpecialTokens"/> adds what the tokenizer adds around a text (a
    /// Llama bos token); a prompt rendered by a chat template already holds them and is encoded without. Truncation keeps
    /// the <em>last</em> <paramref name="maxTokens"/> tokens: the model continues from the end of the prompt.
    /// </summary>
    TokenizedText EncodePrompt(string text, int maxTokens, bool truncate, bool addSpecialTokens);

    /// <summary>A decoder for one generation stream; see <see cref="IncrementalDecoder"/>.</summary>
    IncrementalDecoder CreateIncrementalDecoder(bool skipSpecialTokens);

    /// <summary>The id of the token written exactly <paramref name="token"/> (an added or special token, or a vocabulary entry), if any.</summary>
    int? TokenToId(string token);
}
