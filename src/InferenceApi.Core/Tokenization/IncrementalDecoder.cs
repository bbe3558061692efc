using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// Turns a stream of generated token ids into text as it becomes complete. A character whose UTF-8 bytes span tokens
/// (emoji, accented letters, CJK) is held back until its last byte arrives, so a client never sees U+FFFD for a
/// character that the next token completes; bytes that can never form a character become U+FFFD as soon as that is
/// certain, and an unfinished character at the end becomes U+FFFD at <see cref="Flush"/>. The pieces joined equal
/// the tokenizer's <c>Decode</c> of all the ids, except that a SentencePiece stream keeps the space of its first
/// token's "▁" (a generated answer continues its prompt, so that space is real; <c>Decode</c> drops it at the start of
/// a text). Byte-fallback pieces (<c>&lt;0xE6&gt;</c>) are bytes like any other and join across tokens the same way.
/// </summary>
/// <remarks>One per stream, not thread-safe. Holds at most three pending bytes; returns <see cref="string.Empty"/> (no allocation) while a character is incomplete.</remarks>
public sealed class IncrementalDecoder
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly TokenByteTable _tokens;
    private readonly bool _skipSpecialTokens;
    private readonly Decoder _decoder = Utf8.GetDecoder();
    private char[] _chars = new char[64];

    internal IncrementalDecoder(TokenByteTable tokens, bool skipSpecialTokens)
    {
        _tokens = tokens;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Adds one token and returns the text it completes (possibly empty).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside the vocabulary.</exception>
    public string Append(int tokenId) => Convert(_tokens.GetBytes(tokenId, _skipSpecialTokens), flush: false);

    /// <summary>Ends the stream: returns U+FFFD for an unfinished character (or nothing) and resets for reuse.</summary>
    public string Flush() => Convert([], flush: true);

    private string Convert(ReadOnlySpan<byte> bytes, bool flush)
    {
        // One char per byte at most, plus one U+FFFD for bytes held from earlier tokens.
        int needed = bytes.Length + 1;
        if (_chars.Length < needed)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        int count = _decoder.GetChars(bytes, _chars, flush);
        return count == 0 ? string.Empty : new string(_chars, 0, count);
    }
}
