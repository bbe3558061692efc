namespace InferenceApi.Core.Tokenization;

/// <summary>
/// What a GPT-2 style model folder says about its tokenizer (<c>tokenizer_config.json</c>), with Hugging Face
/// <c>GPT2Tokenizer</c>'s defaults for anything it leaves out. A token set to JSON <c>null</c> means the model has none.
/// </summary>
public sealed record Gpt2TokenizerOptions
{
    public const string EndOfText = "<|endoftext|>";

    /// <summary>
    /// Put a space before the text, so that its first word is tokenised like a word in mid-sentence ("Hello" →
    /// "ĠHello"). Default <c>false</c>, as GPT-2 was trained; some fine-tunes set it, and their prompts then read as
    /// their training text did.
    /// </summary>
    public bool AddPrefixSpace { get; init; }

    /// <summary>
    /// The longest sequence the model takes (prompt and generated tokens); <c>null</c> when the folder does not say
    /// (Hugging Face writes a huge sentinel number then, which is read as <c>null</c> too).
    /// </summary>
    public int? ModelMaxLength { get; init; }

    /// <summary>Beginning of sequence. Default <c>&lt;|endoftext|&gt;</c>. Never added by <c>Encode</c>; GPT-2 prompts start bare.</summary>
    public string? BosToken { get; init; } = EndOfText;

    /// <summary>End of sequence: generation stops when the model produces it. Default <c>&lt;|endoftext|&gt;</c>.</summary>
    public string? EosToken { get; init; } = EndOfText;

    /// <summary>Default <c>&lt;|endoftext|&gt;</c>. Byte-level BPE never needs it (every byte has a token); it is only skipped when decoding.</summary>
    public string? UnkToken { get; init; } = EndOfText;

    /// <summary>Default none: batches are padded with <see cref="EosToken"/>, which the attention mask hides anyway.</summary>
    public string? PadToken { get; init; }
}
