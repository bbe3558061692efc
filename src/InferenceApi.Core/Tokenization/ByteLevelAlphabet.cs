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
