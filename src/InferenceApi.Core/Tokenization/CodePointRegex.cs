using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// A tokenizer.json split regex run on code points, as the reference implementations run it (Oniguruma in Rust, <c>u</c>
/// mode in JavaScript). A .NET regex sees UTF-16 units, so a character outside the BMP (𝐀, 😀, CJK extension B) is two
/// surrogates that match neither <c>\p{L}</c> nor <c>\p{N}</c>, and Llama-3's pattern would split "𝐀𝐁" apart. Before
/// matching, each such character is replaced by one BMP character of the same Unicode category, and match positions
/// are mapped back.
/// </summary>
internal sealed class CodePointRegex
{
    // One stand-in per category: a BMP character of that category that no split pattern names literally.
    private static readonly char[] StandIns = BuildStandIns();

    private readonly Regex _regex;

    public CodePointRegex(string pattern)
    {
        _regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(5));
    }

    /// <summary>The non-empty matches in <paramref name="text"/> as (index, length) in UTF-16 units of <paramref name="text"/>.</summary>
    public List<(int Index, int Length)> Matches(string text)
    {
        var result = new List<(int, int)>();
        if (!HasSurrogates(text))
        {
            foreach (ValueMatch match in _regex.EnumerateMatches(text))
            {
                if (match.Length > 0)
                {
                    result.Add((match.Index, match.Length));
                }
            }

            return result;
        }

        // position[i] is where stand-in character i starts in text; position[^1] is text.Length.
        var substituted = new StringBuilder(text.Length);
        var position = new List<int>(text.Length + 1);
        for (int i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int width);
            position.Add(i);
            substituted.Append(width == 2 ? StandIns[(int)Rune.GetUnicodeCategory(rune)] : text[i]);
            i += width;
        }

        position.Add(text.Length);
        foreach (ValueMatch match in _regex.EnumerateMatches(substituted.ToString()))
        {
            if (match.Length > 0)
            {
                int start = position[match.Index];
                result.Add((start, position[match.Index + match.Length] - start));
            }
        }

        return result;
    }

    private static bool HasSurrogates(string text)
    {
        foreach (char c in text)
        {
            if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static char[] BuildStandIns()
    {
        var table = new char[32];
        var found = new bool[32];
        // From U+0100 up, skipping ASCII and Latin-1 (which patterns name literally) and the surrogates themselves.
        for (int c = 0x100; c < 0xFFFE; c++)
        {
            if (char.IsSurrogate((char)c) || char.IsWhiteSpace((char)c))
            {
                continue;
            }

            int category = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
            if (!found[category])
            {
                found[category] = true;
                table[category] = (char)c;
            }
        }

        // Categories with no BMP member (none today) fall back to a private-use character: "other", like most astral symbols.
        for (int i = 0; i < table.Length; i++)
        {
            if (!found[i])
            {
                table[i] = '\uE000';
            }
        }

        return table;
    }
}
