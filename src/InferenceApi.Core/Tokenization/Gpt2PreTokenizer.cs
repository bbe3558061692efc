using System.Globalization;
using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// GPT-2's word splitting, the regex
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c> written out by hand.
/// </summary>
/// <remarks>
/// A .NET Regex with the same pattern sees UTF-16 code units, so a letter outside the BMP (𝐀, CJK extension B) is
/// a pair of surrogates, which are not <c>\p{L}</c>, and splits differently from Python's <c>regex</c>; this scanner
/// classifies whole code points. The one subtle rule is <c>\s+(?!\S)</c>: a run of whitespace followed by a word
/// leaves its last space to that word ("   leading" → "  ", " leading").
/// </remarks>
internal static class Gpt2PreTokenizer
{
    private enum CharClass
    {
        Letter,
        Number,
        Space,
        Other,
    }

    /// <summary>The length, in UTF-16 units, of the piece that starts at <paramref name="start"/>.</summary>
    public static int NextPieceLength(ReadOnlySpan<char> text, int start)
    {
        if (text[start] == '\'' && ContractionLength(text[(start + 1)..]) is > 0 and int suffix)
        {
            return 1 + suffix;
        }

        int runStart = start;
        if (text[start] == ' ' && start + 1 < text.Length && Classify(text, start + 1, out _) != CharClass.Space)
        {
            runStart = start + 1;
        }

        CharClass kind = Classify(text, runStart, out int width);
        int end = runStart + width;
        while (end < text.Length && Classify(text, end, out width) == kind)
        {
            end += width;
        }

        // \s+(?!\S): a whitespace run followed by a word gives its last character (always one UTF-16 unit:
        // every Unicode space is in the BMP) to the next piece, unless that would leave nothing.
        if (kind == CharClass.Space && end < text.Length && end - start > 1)
        {
            end--;
        }

        return end - start;
    }

    private static int ContractionLength(ReadOnlySpan<char> rest)
    {
        if (rest.IsEmpty)
        {
            return 0;
        }

        if (rest[0] is 's' or 't' or 'm' or 'd')
        {
            return 1;
        }

        return rest.Length >= 2 && (rest.StartsWith("re", StringComparison.Ordinal) || rest.StartsWith("ve", StringComparison.Ordinal)
            || rest.StartsWith("ll", StringComparison.Ordinal)) ? 2 : 0;
    }

    private static CharClass Classify(ReadOnlySpan<char> text, int index, out int width)
    {
        // A lone surrogate decodes as U+FFFD (width 1): "other", as it becomes the bytes EF BF BD.
        Rune.DecodeFromUtf16(text[index..], out Rune rune, out width);
        if (Rune.IsWhiteSpace(rune))
        {
            return CharClass.Space;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }
}
