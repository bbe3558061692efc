using System.Buffers;
using System.Globalization;
using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// Hugging Face's BERT normaliser and pre-tokeniser (the <c>BertNormalizer</c> + <c>BertPreTokenizer</c> pair of
/// <c>tokenizers</c>, i.e. the slow <c>BasicTokenizer</c>): drop control characters, treat every Unicode space as
/// a word break, isolate CJK ideographs, strip accents, lowercase, and isolate punctuation.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' own basic tokenisation differs in ways that change ids: it drops <c>\t</c>/<c>\n</c>
/// as control characters (gluing the words either side), and its <c>\w+|\p{P}</c> splitter silently drops symbols
/// such as <c>$</c> and emoji, which Hugging Face keeps (as a token or as [UNK]). It also reports offsets into its
/// normalised string. So this class does that part and leaves only WordPiece to the library.
/// </remarks>
internal sealed class BertTextNormalizer
{
    private readonly bool _lowerCase;
    private readonly bool _stripAccents;
    private readonly bool _isolateCjk;
    private readonly int _maxWordLength;
    private readonly string _unknownToken;
    private readonly string[] _specialTokens;
    private readonly SearchValues<char> _specialTokenStarts;

    public BertTextNormalizer(BertTokenizerOptions options)
    {
        _lowerCase = options.DoLowerCase;
        _stripAccents = options.ShouldStripAccents;
        _isolateCjk = options.TokenizeChineseChars;
        _maxWordLength = options.MaxInputCharsPerWord;
        _unknownToken = options.UnkToken;

        // Longest first, so that a token which is a prefix of another never wins the match.
        _specialTokens = options.SplitOnSpecialTokens
            ? new[] { options.ClsToken, options.SepToken, options.PadToken, options.UnkToken, options.MaskToken }
                .Where(token => token.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(token => token.Length)
                .ToArray()
            : [];
        _specialTokenStarts = SearchValues.Create(string.Concat(_specialTokens.Select(token => token[0])));
    }

    /// <summary>Normalises <paramref name="text"/>; the caller disposes the result.</summary>
    public NormalizedText Normalize(string text)
    {
        var output = new NormalizedText(text.Length + (text.Length / 4), _maxWordLength, _unknownToken);
        int i = 0;
        while (i < text.Length)
        {
            if (_specialTokenStarts.Contains(text[i]) && MatchSpecialToken(text, i) is { } special)
            {
                output.AppendWholeWord(special, i, i + special.Length);
                i += special.Length;
                continue;
            }

            // A lone surrogate decodes to U+FFFD, which is dropped below like Hugging Face drops it.
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int consumed);
            int start = i;
            i += consumed;

            if (rune.Value == 0 || rune == Rune.ReplacementChar || IsControl(rune))
            {
                continue;
            }

            if (IsWhitespace(rune))
            {
                output.EndWord();
                continue;
            }

            bool isolate = _isolateCjk && IsCjkIdeograph(rune.Value);
            if (isolate)
            {
                output.EndWord();
            }

            AppendNormalized(rune, start, i, output);

            if (isolate)
            {
                output.EndWord();
            }
        }

        output.EndWord();
        return output;
    }

    private string? MatchSpecialToken(string text, int index)
    {
        foreach (string token in _specialTokens)
        {
            if (text.AsSpan(index).StartsWith(token, StringComparison.Ordinal))
            {
                return token;
            }
        }

        return null;
    }

    private void AppendNormalized(Rune rune, int sourceStart, int sourceEnd, NormalizedText output)
    {
        // Nothing below U+00C0 has a canonical decomposition, so the common ASCII case skips NFD.
        if (!_stripAccents || rune.Value < 0xC0)
        {
            AppendCased(rune, sourceStart, sourceEnd, output);
            return;
        }

        Span<char> source = stackalloc char[2];
        ReadOnlySpan<char> original = source[..rune.EncodeToUtf16(source)];
        Span<char> buffer = stackalloc char[32];
        ReadOnlySpan<char> decomposed = original.TryNormalize(buffer, out int written, NormalizationForm.FormD)
            ? (ReadOnlySpan<char>)buffer[..written]
            : original.ToString().Normalize(NormalizationForm.FormD);

        bool appended = false;
        foreach (Rune part in decomposed.EnumerateRunes())
        {
            // Only Mn, as Hugging Face does: spacing marks (Mc) carry vowels in Indic scripts and stay.
            if (Rune.GetUnicodeCategory(part) != UnicodeCategory.NonSpacingMark)
            {
                AppendCased(part, sourceStart, sourceEnd, output);
                appended = true;
            }
        }

        if (!appended)
        {
            output.ExtendWord(sourceEnd);
        }
    }

    private void AppendCased(Rune rune, int sourceStart, int sourceEnd, NormalizedText output)
    {
        if (_lowerCase)
        {
            rune = Rune.ToLowerInvariant(rune);
        }

        if (IsPunctuation(rune))
        {
            output.EndWord();
            output.AppendToWord(rune, sourceStart, sourceEnd);
            output.EndWord();
        }
        else
        {
            output.AppendToWord(rune, sourceStart, sourceEnd);
        }
    }

    private static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r')
        {
            return false;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    private static bool IsWhitespace(Rune rune) => rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.IsWhiteSpace(rune);

    // ASCII symbols such as $ + < = > ^ ` | ~ are not Unicode punctuation, but BERT treats them as punctuation.
    private static bool IsPunctuation(Rune rune) =>
        rune.Value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;

    // The "CJK Unified Ideographs" blocks BERT's vocabulary was built with; Hangul, kana and CJK punctuation are not in them.
    private static bool IsCjkIdeograph(int codePoint) =>
        codePoint is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
