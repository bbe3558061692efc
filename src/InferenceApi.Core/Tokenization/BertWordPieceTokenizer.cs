using System.Text;
using Microsoft.ML.Tokenizers;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// BERT WordPiece tokenisation with Hugging Face's ids and offsets: [CLS] text [SEP], accents stripped and text
/// lowercased for uncased models, punctuation and CJK ideographs split, unknown words as [UNK].
/// Immutable once created, so one instance per model serves all requests at once.
/// </summary>
/// <remarks>
/// Normalisation and word splitting are done by <see cref="BertTextNormalizer"/>, WordPiece by Microsoft.ML.Tokenizers'
/// <see cref="BertTokenizer"/> with its own basic tokenisation off (see <see cref="BertTextNormalizer"/> for why).
/// </remarks>
public sealed class BertWordPieceTokenizer : ITextTokenizer
{
    private const string ContinuationPrefix = "##";

    private readonly BertTokenizer _wordPiece;
    private readonly BertTextNormalizer _normalizer;
    private readonly string[] _idToToken;
    private readonly int _clsId;
    private readonly int _sepId;
    private readonly int _unkId;
    private readonly int _maskId;

    private BertWordPieceTokenizer(BertTokenizer wordPiece, string[] idToToken, BertTokenizerOptions options)
    {
        _wordPiece = wordPiece;
        _idToToken = idToToken;
        _normalizer = new BertTextNormalizer(options);
        _clsId = wordPiece.ClassificationTokenId;
        _sepId = wordPiece.SeparatorTokenId;
        _unkId = wordPiece.UnknownTokenId;
        _maskId = wordPiece.MaskingTokenId;
        PadTokenId = wordPiece.PaddingTokenId;
        Options = options;
    }

    public BertTokenizerOptions Options { get; }

    public int PadTokenId { get; }

    public int ClsTokenId => _clsId;

    public int SepTokenId => _sepId;

    /// <summary>[MASK]: what masked-language-model pre-training replaces a chosen token with.</summary>
    public int MaskTokenId => _maskId;

    public int SpecialTokenCount => 2;

    public int VocabularySize => _idToToken.Length;

    /// <summary>The vocabulary in id order (a blank line's id holds an empty string).</summary>
    public IReadOnlyList<string> Tokens => _idToToken;

    /// <summary>
    /// Reads <paramref name="vocabularyPath"/> (one token a line, the line number is the id) and builds the tokenizer.
    /// </summary>
    /// <exception cref="TokenizerLoadException">The file is missing, unreadable, empty, repeats a token, or lacks a special token.</exception>
    public static BertWordPieceTokenizer Create(string vocabularyPath, BertTokenizerOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabularyPath);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxInputCharsPerWord <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxInputCharsPerWord, "MaxInputCharsPerWord must be positive.");
        }

        byte[] bytes = ReadVocabulary(vocabularyPath);
        string[] idToToken = ParseVocabulary(vocabularyPath, bytes);
        foreach (string special in new[] { options.ClsToken, options.SepToken, options.PadToken, options.UnkToken, options.MaskToken })
        {
            if (Array.IndexOf(idToToken, special) < 0)
            {
                throw new TokenizerLoadException(
                    $"{vocabularyPath}: special token '{special}' is not in the vocabulary; check the *_token entries of tokenizer_config.json.");
            }
        }

        var bertOptions = new BertOptions
        {
            // Our normaliser has already lowercased, stripped and split; the library must not redo it differently.
            ApplyBasicTokenization = false,
            LowerCaseBeforeTokenization = false,
            SplitOnSpecialTokens = false,
            UnknownToken = options.UnkToken,
            ClassificationToken = options.ClsToken,
            SeparatorToken = options.SepToken,
            PaddingToken = options.PadToken,
            MaskingToken = options.MaskToken,
            ContinuingSubwordPrefix = ContinuationPrefix,

            // The real per-word limit (in characters) is applied by NormalizedText; a word within it is at most
            // twice as long in UTF-16 units, so the library's own check never fires first.
            MaxInputCharsPerWord = checked(options.MaxInputCharsPerWord * 2),
        };

        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return new BertWordPieceTokenizer(BertTokenizer.Create(stream, bertOptions), idToToken, options);
        }
        catch (ArgumentException ex)
        {
            throw new TokenizerLoadException($"{vocabularyPath}: the WordPiece tokenizer rejected this vocabulary: {ex.Message}", ex);
        }
    }

    public TokenizedText Encode(string text, int maxTokens, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(text);
        ValidateMaxTokens(maxTokens);

        using NormalizedText normalized = _normalizer.Normalize(text);
        IReadOnlyList<int> pieces = _wordPiece.EncodeToIds(
            normalized.Chars, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: false);

        int originalLength = pieces.Count + SpecialTokenCount;
        int kept = truncate ? Math.Min(pieces.Count, maxTokens - SpecialTokenCount) : pieces.Count;
        var ids = new int[kept + SpecialTokenCount];
        ids[0] = _clsId;
        for (int i = 0; i < kept; i++)
        {
            ids[i + 1] = pieces[i];
        }

        ids[^1] = _sepId;
        return new TokenizedText(ids, originalLength);
    }

    /// <remarks>
    /// [CLS], [SEP], [PAD] and [MASK] are flagged special; the [CLS] and [SEP] added around the text have 0/0
    /// offsets, special tokens written in the text keep their span. [UNK] stands for text, so it is not flagged.
    /// </remarks>
    public IReadOnlyList<TokenDetail> Describe(string text, int maxTokens, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(text);
        ValidateMaxTokens(maxTokens);

        using NormalizedText normalized = _normalizer.Normalize(text);
        IReadOnlyList<EncodedToken> pieces = _wordPiece.EncodeToTokens(
            normalized.Chars, out _, considerPreTokenization: true, considerNormalization: false);

        int kept = truncate ? Math.Min(pieces.Count, maxTokens - SpecialTokenCount) : pieces.Count;
        var details = new List<TokenDetail>(kept + SpecialTokenCount) { new(_clsId, _idToToken[_clsId], true, 0, 0) };
        for (int i = 0; i < kept; i++)
        {
            EncodedToken piece = pieces[i];
            (int offset, int length) = piece.Offset.GetOffsetAndLength(normalized.Length);
            (int start, int stop) = normalized.ToSource(offset, offset + length);
            details.Add(new TokenDetail(piece.Id, piece.Value, IsSpecial(piece.Id), start, stop));
        }

        details.Add(new TokenDetail(_sepId, _idToToken[_sepId], true, 0, 0));
        return details;
    }

    /// <remarks>
    /// Hugging Face's decoding: tokens joined by spaces, "##" pieces glued to the previous token, then
    /// <c>clean_up_tokenization_spaces</c> (no space before . , ! ? and in contractions such as "don't").
    /// <paramref name="skipSpecialTokens"/> drops [CLS], [SEP], [PAD], [MASK] and [UNK], as Hugging Face does.
    /// </remarks>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);

        var builder = new StringBuilder(ids.Count * 6);
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)_idToToken.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id must be in [0, {_idToToken.Length}).");
            }

            if (skipSpecialTokens && (IsSpecial(id) || id == _unkId))
            {
                continue;
            }

            string token = _idToToken[id];
            if (builder.Length > 0 && token.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
            {
                builder.Append(token, ContinuationPrefix.Length, token.Length - ContinuationPrefix.Length);
            }
            else
            {
                if (builder.Length > 0)
                {
                    builder.Append(' ');
                }

                builder.Append(token);
            }
        }

        return CleanUpTokenizationSpaces(builder);
    }

    private bool IsSpecial(int id) => id == _clsId || id == _sepId || id == PadTokenId || id == _maskId;

    private void ValidateMaxTokens(int maxTokens)
    {
        if (maxTokens < SpecialTokenCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxTokens), maxTokens, $"maxTokens must be at least {SpecialTokenCount}, room for [CLS] and [SEP].");
        }
    }

    // Hugging Face's clean_up_tokenization, replacement for replacement and in the same order.
    private static string CleanUpTokenizationSpaces(StringBuilder text) =>
        text.Replace(" .", ".")
            .Replace(" ?", "?")
            .Replace(" !", "!")
            .Replace(" ,", ",")
            .Replace(" ' ", "'")
            .Replace(" n't", "n't")
            .Replace(" 'm", "'m")
            .Replace(" 's", "'s")
            .Replace(" 've", "'ve")
            .Replace(" 're", "'re")
            .ToString();

    private static byte[] ReadVocabulary(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TokenizerLoadException($"{path}: vocabulary file not found; a BERT model folder needs vocab.txt.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"{path}: vocabulary file cannot be read: {ex.Message}", ex);
        }
    }

    private static string[] ParseVocabulary(string path, byte[] bytes)
    {
        var tokens = new List<string>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        using var reader = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        while (reader.ReadLine() is { } line)
        {
            // Blank lines still take an id, as in the library and in Hugging Face, so later ids do not shift.
            if (line.Length > 0 && !seen.TryAdd(line, tokens.Count))
            {
                throw new TokenizerLoadException(
                    $"{path}: token '{line}' appears on line {seen[line] + 1} and again on line {tokens.Count + 1}; each token must be unique.");
            }

            tokens.Add(line);
        }

        if (seen.Count == 0)
        {
            throw new TokenizerLoadException($"{path}: vocabulary file is empty.");
        }

        return tokens.ToArray();
    }
}
