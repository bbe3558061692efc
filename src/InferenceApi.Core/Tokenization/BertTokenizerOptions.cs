namespace InferenceApi.Core.Tokenization;

/// <summary>
/// What a BERT model folder says about its tokenizer (<c>tokenizer_config.json</c>), with Hugging Face
/// <c>BertTokenizer</c>'s defaults for anything it leaves out.
/// </summary>
public sealed record BertTokenizerOptions
{
    /// <summary>
    /// Lowercase the text before WordPiece. Default <c>true</c>, as in Hugging Face; cased models must say
    /// <c>"do_lower_case": false</c> or every capitalised word becomes a different (usually worse) token.
    /// </summary>
    public bool DoLowerCase { get; init; } = true;

    /// <summary>
    /// Strip accents (NFD, then drop non-spacing marks). Default <c>null</c>: follow <see cref="DoLowerCase"/>,
    /// which is what uncased BERT vocabularies were built with ("café" → "cafe").
    /// </summary>
    public bool? StripAccents { get; init; }

    /// <summary>
    /// Make every CJK ideograph a word of its own. Default <c>true</c>; BERT vocabularies hold single ideographs,
    /// not runs of them, so turning it off sends most Chinese text to [UNK].
    /// </summary>
    public bool TokenizeChineseChars { get; init; } = true;

    /// <summary>
    /// The longest input the model accepts, special tokens included; <c>null</c> when the folder does not say
    /// (Hugging Face writes a huge sentinel number then, which is read as <c>null</c> too).
    /// </summary>
    public int? ModelMaxLength { get; init; }

    /// <summary>
    /// Treat the special token strings written in the input ("[SEP]", "[MASK]", …) as those tokens rather than as
    /// text. Default <c>true</c>, as Hugging Face does; it lets a client place [MASK] for fill-mask models, at the
    /// cost that a literal "[SEP]" typed by a user also acts as a separator.
    /// </summary>
    public bool SplitOnSpecialTokens { get; init; } = true;

    /// <summary>
    /// Words longer than this many characters (Unicode scalar values, after normalisation) become one [UNK],
    /// without trying WordPiece. Default 100, as in Hugging Face; it bounds the cost of WordPiece's quadratic search.
    /// </summary>
    public int MaxInputCharsPerWord { get; init; } = 100;

    public string ClsToken { get; init; } = "[CLS]";

    public string SepToken { get; init; } = "[SEP]";

    public string PadToken { get; init; } = "[PAD]";

    public string UnkToken { get; init; } = "[UNK]";

    public string MaskToken { get; init; } = "[MASK]";

    /// <summary>Whether accents are stripped once the <c>null</c> default of <see cref="StripAccents"/> is resolved.</summary>
    public bool ShouldStripAccents => StripAccents ?? DoLowerCase;
}
