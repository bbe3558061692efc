using System.Text.Json;
using System.Text.RegularExpressions;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// tokenizer.json's <c>pre_tokenizer</c>: splits a normalized stretch of text into the pieces the BPE model encodes one
/// by one. Runs Split (regex or string, every split behaviour), ByteLevel (GPT-2's regex, prefix space), Metaspace,
/// Digits, Whitespace, WhitespaceSplit and Sequence; <see cref="ByteLevel"/> says whether pieces are encoded as bytes.
/// </summary>
internal sealed class PreTokenizer
{
    private delegate List<AlignedText> Step(AlignedText piece, bool atTextStart);

    private readonly List<Step> _steps;

    private PreTokenizer(List<Step> steps, bool byteLevel)
    {
        _steps = steps;
        ByteLevel = byteLevel;
    }

    /// <summary>Pieces are UTF-8 bytes to the model (a ByteLevel step is present).</summary>
    public bool ByteLevel { get; }

    /// <exception cref="TokenizerLoadException">A step of a kind this server does not run, or a malformed one.</exception>
    public static PreTokenizer Read(string path, JsonElement element)
    {
        var steps = new List<Step>();
        bool byteLevel = false;
        Add(path, element, steps, ref byteLevel);
        return new PreTokenizer(steps, byteLevel);
    }

    /// <param name="atTextStart">The stretch starts the text (no added token before it): Metaspace's "first" scheme prefixes only it.</param>
    public List<AlignedText> Split(AlignedText text, bool atTextStart)
    {
        List<AlignedText> pieces = [text];
        foreach (Step step in _steps)
        {
            var next = new List<AlignedText>(pieces.Count * 2);
            for (int i = 0; i < pieces.Count; i++)
            {
                next.AddRange(step(pieces[i], atTextStart && i == 0));
            }

            pieces = next;
        }

        return pieces;
    }

    private static void Add(string path, JsonElement element, List<Step> steps, ref bool byteLevel)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return;
        }

        string type = TokenizerJsonReader.Type(path, "pre_tokenizer", element);
        switch (type)
        {
            case "Sequence":
                foreach (JsonElement inner in TokenizerJsonReader.Array(path, "pre_tokenizer.pretokenizers", element, "pretokenizers"))
                {
                    Add(path, inner, steps, ref byteLevel);
                }

                break;
            case "Split":
                (string pattern, Regex? regex) = TokenizerJsonReader.Pattern(path, "pre_tokenizer.pattern", element);
                CodePointRegex? split = regex is null ? null : new CodePointRegex(regex.ToString());
                SplitBehavior behavior = ReadBehavior(path, element);
                bool invert = TokenizerJsonReader.Bool(element, "invert", false);
                steps.Add((piece, _) => SplitPiece(piece, Matches(piece.ToString(), pattern, split), behavior, invert));
                break;
            case "ByteLevel":
                byteLevel = true;
                bool addPrefixSpace = TokenizerJsonReader.Bool(element, "add_prefix_space", false);
                bool useRegex = TokenizerJsonReader.Bool(element, "use_regex", true);
                steps.Add((piece, _) => ByteLevelSplit(piece, addPrefixSpace, useRegex));
                break;
            case "Metaspace":
                string replacement = TokenizerJsonReader.String(path, "pre_tokenizer.replacement", element, "replacement");
                string scheme = ReadPrependScheme(path, element);
                bool splitWords = TokenizerJsonReader.Bool(element, "split", true);
                steps.Add((piece, atStart) => Metaspace(piece, atStart, replacement, scheme, splitWords));
                break;
            case "Digits":
                CodePointRegex digits = new(TokenizerJsonReader.Bool(element, "individual_digits", false) ? @"\p{Nd}" : @"\p{Nd}+");
                steps.Add((piece, _) => SplitPiece(piece, digits.Matches(piece.ToString()), SplitBehavior.Isolated, invert: false));
                break;
            case "Whitespace":
                CodePointRegex words = new(@"\w+|[^\w\s]+");
                steps.Add((piece, _) => SplitPiece(piece, words.Matches(piece.ToString()), SplitBehavior.Isolated, invert: true));
                break;
            case "WhitespaceSplit":
                CodePointRegex spaces = new(@"\s+");
                steps.Add((piece, _) => SplitPiece(piece, spaces.Matches(piece.ToString()), SplitBehavior.Removed, invert: false));
                break;
            default:
                throw new TokenizerLoadException(
                    $"{path}: pre_tokenizer '{type}' is not supported (supported: Split, ByteLevel, Metaspace, Digits, Whitespace, WhitespaceSplit, Sequence).");
        }
    }

    private enum SplitBehavior
    {
        Removed,
        Isolated,
        MergedWithPrevious,
        MergedWithNext,
        Contiguous,
    }

    private static SplitBehavior ReadBehavior(string path, JsonElement element)
    {
        string behavior = TokenizerJsonReader.String(path, "pre_tokenizer.behavior", element, "behavior");
        return Enum.TryParse(behavior, ignoreCase: false, out SplitBehavior value) && Enum.IsDefined(value)
            ? value
            : throw new TokenizerLoadException($"{path}: pre_tokenizer.behavior '{behavior}' is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous.");
    }

    private static string ReadPrependScheme(string path, JsonElement element)
    {
        if (element.TryGetProperty("prepend_scheme", out JsonElement scheme) && scheme.ValueKind == JsonValueKind.String)
        {
            string value = scheme.GetString()!;
            return value is "always" or "first" or "never"
                ? value
                : throw new TokenizerLoadException($"{path}: pre_tokenizer.prepend_scheme '{value}' is not one of always, first, never.");
        }

        // Files written before prepend_scheme existed say add_prefix_space.
        return TokenizerJsonReader.Bool(element, "add_prefix_space", true) ? "always" : "never";
    }

    private static List<(int Index, int Length)> Matches(string text, string pattern, CodePointRegex? regex)
    {
        if (regex is not null)
        {
            return regex.Matches(text);
        }

        var matches = new List<(int, int)>();
        for (int at = pattern.Length == 0 ? -1 : text.IndexOf(pattern, StringComparison.Ordinal); at >= 0; at = text.IndexOf(pattern, at + pattern.Length, StringComparison.Ordinal))
        {
            matches.Add((at, pattern.Length));
        }

        return matches;
    }

    // Hugging Face's NormalizedString::split: the text as alternating (span, is-match) stretches, then the behaviour.
    private static List<AlignedText> SplitPiece(AlignedText piece, List<(int Index, int Length)> matches, SplitBehavior behavior, bool invert)
    {
        var stretches = new List<(int Start, int Stop, bool Match)>(matches.Count * 2 + 1);
        int position = 0;
        foreach ((int index, int length) in matches)
        {
            if (index > position)
            {
                stretches.Add((position, index, invert));
            }

            stretches.Add((index, index + length, !invert));
            position = index + length;
        }

        if (position < piece.Length)
        {
            stretches.Add((position, piece.Length, invert));
        }

        var kept = new List<(int Start, int Stop)>(stretches.Count);
        switch (behavior)
        {
            case SplitBehavior.Removed:
                kept.AddRange(stretches.Where(s => !s.Match).Select(s => (s.Start, s.Stop)));
                break;
            case SplitBehavior.Isolated:
                kept.AddRange(stretches.Select(s => (s.Start, s.Stop)));
                break;
            case SplitBehavior.MergedWithPrevious:
                bool previousWasMatch = false;
                foreach ((int start, int stop, bool match) in stretches)
                {
                    if (match && !previousWasMatch && kept.Count > 0)
                    {
                        kept[^1] = (kept[^1].Start, stop);
                    }
                    else
                    {
                        kept.Add((start, stop));
                    }

                    previousWasMatch = match;
                }

                break;
            case SplitBehavior.MergedWithNext:
                bool nextWasMatch = false;
                for (int i = stretches.Count - 1; i >= 0; i--)
                {
                    (int start, int stop, bool match) = stretches[i];
                    if (match && !nextWasMatch && kept.Count > 0)
                    {
                        kept[^1] = (start, kept[^1].Stop);
                    }
                    else
                    {
                        kept.Add((start, stop));
                    }

                    nextWasMatch = match;
                }

                kept.Reverse();
                break;
            case SplitBehavior.Contiguous:
                bool? last = null;
                foreach ((int start, int stop, bool match) in stretches)
                {
                    if (last == match)
                    {
                        kept[^1] = (kept[^1].Start, stop);
                    }
                    else
                    {
                        kept.Add((start, stop));
                    }

                    last = match;
                }

                break;
        }

        return kept.Count == 1 && kept[0].Start == 0 && kept[0].Stop == piece.Length
            ? [piece]
            : kept.Where(k => k.Stop > k.Start).Select(k => piece.Slice(k.Start, k.Stop)).ToList();
    }

    private static List<AlignedText> ByteLevelSplit(AlignedText piece, bool addPrefixSpace, bool useRegex)
    {
        if (addPrefixSpace && piece.Length > 0 && piece.ToString()[0] != ' ')
        {
            piece.Prepend(" ");
        }

        if (!useRegex)
        {
            return [piece];
        }

        string text = piece.ToString();
        var pieces = new List<AlignedText>();
        for (int position = 0; position < text.Length;)
        {
            int length = Gpt2PreTokenizer.NextPieceLength(text, position);
            pieces.Add(piece.Slice(position, position + length));
            position += length;
        }

        return pieces;
    }

    private static List<AlignedText> Metaspace(AlignedText piece, bool atTextStart, string replacement, string scheme, bool split)
    {
        piece.Replace(" ", null, replacement);
        string text = piece.ToString();
        if ((scheme == "always" || (scheme == "first" && atTextStart)) && !text.StartsWith(replacement, StringComparison.Ordinal))
        {
            piece.Prepend(replacement);
        }

        if (!split)
        {
            return [piece];
        }

        text = piece.ToString();
        return SplitPiece(piece, Matches(text, replacement, null), SplitBehavior.MergedWithNext, invert: false);
    }
}
