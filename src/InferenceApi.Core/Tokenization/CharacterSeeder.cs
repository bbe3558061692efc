using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// The first symbols of a piece for character-level BPE (SentencePiece models and their tokenizer.json conversions):
/// each character's piece; for a character without one, its UTF-8 bytes as <c>&lt;0xNN&gt;</c> pieces when the model
/// falls back to bytes (and has all of them), else the unknown token (consecutive ones fused into one when asked).
/// </summary>
internal sealed class CharacterSeeder(Dictionary<string, int> pieces, int?[] byteIds, int? unknownId, bool fuseUnknown)
{
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup = pieces.GetAlternateLookup<ReadOnlySpan<char>>();

    public void Seed(ReadOnlySpan<char> piece, List<int> symbols)
    {
        Span<byte> utf8 = stackalloc byte[4];
        bool lastWasUnknown = false;
        for (int i = 0; i < piece.Length;)
        {
            Rune.DecodeFromUtf16(piece[i..], out Rune rune, out int width);
            ReadOnlySpan<char> character = piece.Slice(i, width);
            i += width;
            if (_lookup.TryGetValue(character, out int id))
            {
                symbols.Add(id);
                lastWasUnknown = false;
                continue;
            }

            int count = rune.EncodeToUtf8(utf8);
            bool allBytes = true;
            foreach (byte b in utf8[..count])
            {
                allBytes &= byteIds[b] is not null;
            }

            if (allBytes)
            {
                foreach (byte b in utf8[..count])
                {
                    symbols.Add(byteIds[b]!.Value);
                }

                lastWasUnknown = false;
            }
            else if (unknownId is int unknown && !(fuseUnknown && lastWasUnknown))
            {
                symbols.Add(unknown);
                lastWasUnknown = true;
            }
        }
    }
}
