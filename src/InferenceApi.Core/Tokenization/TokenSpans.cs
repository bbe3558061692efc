using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>Where each token of a piece lies in the piece's characters, from how many of the piece's UTF-8 bytes each token covers.</summary>
internal static class TokenSpans
{
    /// <summary>
    /// Adds one source span per token of <paramref name="ids"/>[<paramref name="first"/>..] encoded from the normalized
    /// <paramref name="piece"/>; a token that covers no character of its own (a merged-away unknown) gets the character it sits on.
    /// </summary>
    public static void AddSources(AlignedText piece, List<int> ids, int first, Func<int, int> byteLength, List<(int Start, int Stop)> spans)
    {
        string chars = piece.ToString();
        int from = spans.Count;
        Walk(chars, ids, first, byteLength, spans);
        for (int i = from; i < spans.Count; i++)
        {
            (int start, int stop) = spans[i];
            int at = Math.Min(start, chars.Length - 1);
            spans[i] = stop > start ? piece.ToSource(start, stop) : piece.ToSource(at, at + 1);
        }
    }

    /// <summary>
    /// Adds one (start, stop) per token of <paramref name="ids"/>[<paramref name="first"/>..], in UTF-16 indices of
    /// <paramref name="piece"/>; a token holding part of a character's bytes gets the whole character.
    /// </summary>
    /// <param name="byteLength">How many of the piece's UTF-8 bytes a token covers.</param>
    public static void Walk(ReadOnlySpan<char> piece, List<int> ids, int first, Func<int, int> byteLength, List<(int Start, int Stop)> spans)
    {
        int charIndex = 0;
        int byteInChar = 0;
        for (int t = first; t < ids.Count; t++)
        {
            int start = charIndex;
            int remaining = byteLength(ids[t]);
            int stop = charIndex;
            while (remaining > 0 && charIndex < piece.Length)
            {
                Rune.DecodeFromUtf16(piece[charIndex..], out Rune rune, out int charWidth);
                int take = Math.Min(remaining, rune.Utf8SequenceLength - byteInChar);
                remaining -= take;
                byteInChar += take;
                stop = charIndex + charWidth;
                if (byteInChar == rune.Utf8SequenceLength)
                {
                    charIndex += charWidth;
                    byteInChar = 0;
                }
            }

            spans.Add((start, stop));
        }
    }
}
