using System.Buffers;
using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// What each token id stands for as UTF-8 bytes, and which ids are special. Every tokenizer that generation uses
/// (byte-level BPE, SentencePiece) decodes by joining its tokens' bytes and reading them as UTF-8, which is what makes
/// streaming exact: a character whose bytes span tokens is complete only when its last byte arrives.
/// </summary>
internal sealed class TokenByteTable
{
    private readonly byte[][] _bytes;
    private readonly bool[] _special;

    /// <param name="bytes">The bytes of each id; an unused id has none.</param>
    /// <param name="special">Which ids are special (dropped when decoding with skipSpecialTokens).</param>
    /// <param name="stripLeadingSpace">
    /// Drop one leading space from a whole decoded text: SentencePiece's dummy prefix ("▁Hello" is "Hello" at the start),
    /// as Hugging Face's Strip decoder and SentencePiece's own decoder do. Streams keep it (they continue a prompt).
    /// </param>
    public TokenByteTable(byte[][] bytes, bool[] special, bool stripLeadingSpace)
    {
        _bytes = bytes;
        _special = special;
        StripLeadingSpace = stripLeadingSpace;
    }

    public int Count => _bytes.Length;

    public bool StripLeadingSpace { get; }

    public bool IsSpecial(int id) => (uint)id < (uint)_special.Length && _special[id];

    /// <summary>The UTF-8 bytes <paramref name="id"/> stands for; empty for a special token when <paramref name="skipSpecialTokens"/> is set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is outside [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<byte> GetBytes(int id, bool skipSpecialTokens)
    {
        if ((uint)id >= (uint)_bytes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id must be in [0, {_bytes.Length}).");
        }

        return skipSpecialTokens && _special[id] ? default : _bytes[id];
    }

    /// <summary>The text of one token on its own (a token holding part of a character shows U+FFFD).</summary>
    public string TokenText(int id) => Encoding.UTF8.GetString(GetBytes(id, skipSpecialTokens: false));

    /// <remarks>Bytes that do not form a character become U+FFFD, as Hugging Face's <c>errors="replace"</c>.</remarks>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);

        int length = 0;
        foreach (int id in ids)
        {
            length += GetBytes(id, skipSpecialTokens).Length;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int written = 0;
            foreach (int id in ids)
            {
                ReadOnlySpan<byte> bytes = GetBytes(id, skipSpecialTokens);
                bytes.CopyTo(buffer.AsSpan(written));
                written += bytes.Length;
            }

            int start = StripLeadingSpace && written > 0 && buffer[0] == (byte)' ' ? 1 : 0;
            return Encoding.UTF8.GetString(buffer, start, written - start);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
