using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// GPT-2's byte-to-character table (<c>bytes_to_unicode</c>): every byte gets a printable character, the printable
/// Latin-1 bytes themselves and the others U+0100 onwards, so that vocab.json and merges.txt can be plain text.
/// </summary>
internal static class ByteLevelAlphabet
{
    private const int NotAByte = -1;

    private static readonly char[] ByteToCharTable = BuildByteToChar();

    private static readonly short[] CharToByteTable = BuildCharToByte();

    public static char ToChar(byte value) => ByteToCharTable[value];

    /// <summary>The byte a vocabulary character stands for, or -1 for a character outside the alphabet.</summary>
    public static int ToByte(char value) => value < CharToByteTable.Length ? CharToByteTable[value] : NotAByte;

    /// <summary>The bytes a vocabulary string stands for; a character outside the alphabet (in an added token) stands for itself.</summary>
    public static byte[] ToBytes(string token)
    {
        var bytes = new List<byte>(token.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < token.Length; i++)
        {
            int b = ToByte(token[i]);
            if (b >= 0)
            {
                bytes.Add((byte)b);
                continue;
            }

            Rune.DecodeFromUtf16(token.AsSpan(i), out Rune rune, out int width);
            bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)]);
            i += width - 1;
        }

        return [.. bytes];
    }

    private static char[] BuildByteToChar()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }

    private static short[] BuildCharToByte()
    {
        var table = new short[256 + 68];
        Array.Fill(table, (short)NotAByte);
        for (int b = 0; b < 256; b++)
        {
            table[ByteToCharTable[b]] = (short)b;
        }

        return table;
    }
}
