using System.Buffers.Binary;
using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// The fields of a SentencePiece <c>tokenizer.model</c> (sentencepiece_model.proto's <c>ModelProto</c>) that encoding
/// needs: the pieces with score and type, the trainer's model type, byte fallback and special ids, and the normalizer
/// settings. Read straight from the protobuf wire format (proto2 defaults where a field is absent).
/// </summary>
internal sealed class SentencePieceModelProto
{
    public const int Normal = 1;
    public const int Unknown = 2;
    public const int Control = 3;
    public const int UserDefined = 4;
    public const int Unused = 5;
    public const int Byte = 6;

    public const int UnigramModel = 1;
    public const int BpeModel = 2;

    public List<(string Piece, float Score, int Type)> Pieces { get; } = [];

    public int ModelType { get; private set; } = UnigramModel;

    public bool ByteFallback { get; private set; }

    public bool TreatWhitespaceAsSuffix { get; private set; }

    public int UnknownId { get; private set; }

    public int BosId { get; private set; } = 1;

    public int EosId { get; private set; } = 2;

    public int PadId { get; private set; } = -1;

    public string NormalizerName { get; private set; } = string.Empty;

    public int PrecompiledCharsmapLength { get; private set; }

    public bool AddDummyPrefix { get; private set; } = true;

    public bool RemoveExtraWhitespaces { get; private set; } = true;

    public bool EscapeWhitespaces { get; private set; } = true;

    /// <exception cref="TokenizerLoadException">The bytes are not a SentencePiece model.</exception>
    public static SentencePieceModelProto Parse(string path, byte[] data)
    {
        var model = new SentencePieceModelProto();
        try
        {
            var reader = new Reader(data);
            while (reader.TryField(out int field, out int wire))
            {
                switch (field)
                {
                    case 1 when wire == 2:
                        model.Pieces.Add(ReadPiece(reader.Bytes()));
                        break;
                    case 2 when wire == 2:
                        model.ReadTrainerSpec(reader.Bytes());
                        break;
                    case 3 when wire == 2:
                        model.ReadNormalizerSpec(reader.Bytes());
                        break;
                    default:
                        reader.Skip(wire);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException or InvalidDataException or DecoderFallbackException)
        {
            throw new TokenizerLoadException($"{path}: not a SentencePiece model (protobuf): {ex.Message}", ex);
        }

        return model.Pieces.Count > 0 ? model : throw new TokenizerLoadException($"{path}: not a SentencePiece model (it has no pieces).");
    }

    private static (string, float, int) ReadPiece(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Reader(bytes);
        string piece = string.Empty;
        float score = 0;
        int type = Normal;
        while (reader.TryField(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    piece = Encoding.UTF8.GetString(reader.Bytes().Span);
                    break;
                case 2 when wire == 5:
                    score = reader.Float();
                    break;
                case 3 when wire == 0:
                    type = (int)reader.Varint();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (piece, score, type);
    }

    private void ReadTrainerSpec(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Reader(bytes);
        while (reader.TryField(out int field, out int wire))
        {
            if (wire != 0)
            {
                reader.Skip(wire);
                continue;
            }

            long value = reader.Varint();
            switch (field)
            {
                case 3: ModelType = (int)value; break;
                case 24: TreatWhitespaceAsSuffix = value != 0; break;
                case 35: ByteFallback = value != 0; break;
                case 40: UnknownId = (int)value; break;
                case 41: BosId = (int)value; break;
                case 42: EosId = (int)value; break;
                case 43: PadId = (int)value; break;
                default: break;
            }
        }
    }

    private void ReadNormalizerSpec(ReadOnlyMemory<byte> bytes)
    {
        var reader = new Reader(bytes);
        while (reader.TryField(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == 2: NormalizerName = Encoding.UTF8.GetString(reader.Bytes().Span); break;
                case 2 when wire == 2: PrecompiledCharsmapLength = reader.Bytes().Length; break;
                case 3 when wire == 0: AddDummyPrefix = reader.Varint() != 0; break;
                case 4 when wire == 0: RemoveExtraWhitespaces = reader.Varint() != 0; break;
                case 5 when wire == 0: EscapeWhitespaces = reader.Varint() != 0; break;
                default: reader.Skip(wire); break;
            }
        }
    }

    private sealed class Reader(ReadOnlyMemory<byte> data)
    {
        private int _position;

        public bool TryField(out int field, out int wire)
        {
            field = 0;
            wire = 0;
            if (_position >= data.Length)
            {
                return false;
            }

            long key = Varint();
            field = (int)(key >> 3);
            wire = (int)(key & 7);
            return true;
        }

        public long Varint()
        {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = data.Span[_position++];
                result |= (long)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return result;
                }
            }

            throw new InvalidDataException("a varint is longer than 10 bytes");
        }

        public ReadOnlyMemory<byte> Bytes()
        {
            int length = checked((int)Varint());
            ReadOnlyMemory<byte> slice = data.Slice(_position, length);
            _position += length;
            return slice;
        }

        public float Float()
        {
            float value = BinaryPrimitives.ReadSingleLittleEndian(data.Span.Slice(_position, 4));
            _position += 4;
            return value;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: _position += 8; break;
                case 2: Bytes(); break;
                case 5: _position += 4; break;
                default: throw new InvalidDataException($"wire type {wire} at byte {_position}");
            }

            if (_position > data.Length)
            {
                throw new InvalidDataException("a field runs past the end");
            }
        }
    }
}
