using System.Text;
using System.Text.Json;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// tokenizer.json's BPE <c>model</c>: vocabulary, merges, and how a piece starts before merging — its UTF-8 bytes
/// (byte-level tokenizers), or its characters with <c>&lt;0xNN&gt;</c> byte fallback or the unknown token for those
/// the vocabulary lacks (SentencePiece-converted tokenizers). <c>ignore_merges</c> (Llama-3) takes a piece that is a
/// vocabulary entry whole.
/// </summary>
internal sealed class BpeModel
{
    // Far above any real vocabulary (Gemma: 262 144); a larger id is a typo that would allocate gigabytes.
    private const int MaxTokenId = (1 << 24) - 1;

    private readonly BytePairMerger _merger;
    private readonly bool _byteLevel;
    private readonly bool _ignoreMerges;
    private readonly int[] _pieceBytes;

    private BpeModel(Dictionary<string, int> vocabulary, Dictionary<long, MergeRule> merges, bool byteLevel, bool byteFallback, int? unknownId, bool fuseUnknown, bool ignoreMerges)
    {
        Vocabulary = vocabulary;
        ByteFallback = byteFallback;
        _byteLevel = byteLevel;
        _ignoreMerges = ignoreMerges;
        _pieceBytes = new int[vocabulary.Values.Max() + 1];
        foreach ((string token, int id) in vocabulary)
        {
            // How many bytes of the normalized piece a token covers: one per character in the byte alphabet, the UTF-8
            // length of the string otherwise, one for a byte-fallback piece.
            _pieceBytes[id] = byteLevel ? token.Length : IsBytePiece(token) && byteFallback ? 1 : Encoding.UTF8.GetByteCount(token);
        }

        if (byteLevel)
        {
            var byteIds = new int[256];
            for (int b = 0; b < 256; b++)
            {
                byteIds[b] = vocabulary[ByteLevelAlphabet.ToChar((byte)b).ToString()];
            }

            _merger = new BytePairMerger(byteIds, merges);
        }
        else
        {
            var byteIds = new int?[256];
            for (int b = 0; b < 256; b++)
            {
                byteIds[b] = byteFallback && vocabulary.TryGetValue($"<0x{b:X2}>", out int id) ? id : null;
            }

            _merger = new BytePairMerger(new CharacterSeeder(vocabulary, byteIds, unknownId, fuseUnknown).Seed, merges);
        }
    }

    public Dictionary<string, int> Vocabulary { get; }

    public bool ByteFallback { get; }

    /// <exception cref="TokenizerLoadException">Not a BPE model, or its vocabulary or merges cannot be used.</exception>
    public static BpeModel Read(string path, JsonElement element, bool byteLevel)
    {
        string type = element.ValueKind == JsonValueKind.Object ? TokenizerJsonReader.OptionalString(element, "type") ?? "BPE" : "?";
        if (type != "BPE")
        {
            throw new TokenizerLoadException(
                $"{path}: model type '{type}' is not supported; decoder models served here use BPE (a SentencePiece Unigram model needs its tokenizer.model instead).");
        }

        foreach (string setting in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (TokenizerJsonReader.OptionalString(element, setting) is { Length: > 0 } value)
            {
                throw new TokenizerLoadException($"{path}: model.{setting} '{value}' is not supported (only decoder-style BPE without word markers).");
            }
        }

        if (element.TryGetProperty("dropout", out JsonElement dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
        {
            throw new TokenizerLoadException($"{path}: model.dropout {dropout.GetDouble()} makes encoding random; set it to null for serving.");
        }

        Dictionary<string, int> vocabulary = ReadVocabulary(path, element);
        if (byteLevel)
        {
            for (int b = 0; b < 256; b++)
            {
                string symbol = ByteLevelAlphabet.ToChar((byte)b).ToString();
                if (!vocabulary.ContainsKey(symbol))
                {
                    throw new TokenizerLoadException($"{path}: byte 0x{b:X2} has no token ('{symbol}'); a byte-level BPE vocabulary holds all 256 byte characters.");
                }
            }
        }

        string? unknown = TokenizerJsonReader.OptionalString(element, "unk_token");
        int? unknownId = unknown is null ? null
            : vocabulary.TryGetValue(unknown, out int id) ? id
            : throw new TokenizerLoadException($"{path}: model.unk_token '{unknown}' is not in model.vocab.");
        return new BpeModel(
            vocabulary,
            ReadMerges(path, element, vocabulary),
            byteLevel,
            TokenizerJsonReader.Bool(element, "byte_fallback", false),
            unknownId,
            TokenizerJsonReader.Bool(element, "fuse_unk", false),
            TokenizerJsonReader.Bool(element, "ignore_merges", false));
    }

    public int PieceByteLength(int id) => (uint)id < (uint)_pieceBytes.Length ? _pieceBytes[id] : 0;

    public void Encode(string piece, List<int> ids)
    {
        if (_ignoreMerges && Vocabulary.TryGetValue(_byteLevel ? ToByteLevel(piece) : piece, out int whole))
        {
            ids.Add(whole);
            return;
        }

        _merger.Encode(piece, ids);
    }

    private static bool IsBytePiece(string token) => token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>';

    private static string ToByteLevel(string piece)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(piece);
        return string.Create(bytes.Length, bytes, (chars, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                chars[i] = ByteLevelAlphabet.ToChar(source[i]);
            }
        });
    }

    private static Dictionary<string, int> ReadVocabulary(string path, JsonElement element)
    {
        if (!element.TryGetProperty("vocab", out JsonElement vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException($"{path}: model.vocab must be an object of token → id.");
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonProperty entry in vocab.EnumerateObject())
        {
            if (!entry.Value.TryGetInt32(out int id) || id < 0 || id > MaxTokenId)
            {
                throw new TokenizerLoadException($"{path}: model.vocab token '{entry.Name}' has id {entry.Value.GetRawText()}; ids must be whole numbers in [0, {MaxTokenId}].");
            }

            vocabulary[entry.Name] = id;
        }

        return vocabulary.Count > 0 ? vocabulary : throw new TokenizerLoadException($"{path}: model.vocab is empty.");
    }

    // Merges are "left right" strings (older files) or ["left", "right"] pairs (tokenizers 0.20 on); rank is list order.
    private static Dictionary<long, MergeRule> ReadMerges(string path, JsonElement element, Dictionary<string, int> vocabulary)
    {
        var merges = new Dictionary<long, MergeRule>();
        if (!element.TryGetProperty("merges", out JsonElement list) || list.ValueKind != JsonValueKind.Array)
        {
            return merges;
        }

        int rank = 0;
        foreach (JsonElement merge in list.EnumerateArray())
        {
            (string? left, string? right) = merge.ValueKind switch
            {
                JsonValueKind.String when merge.GetString()!.Split(' ') is [var l, var r] => (l, r),
                JsonValueKind.Array when merge.GetArrayLength() == 2 => (merge[0].GetString(), merge[1].GetString()),
                _ => (null, null),
            };
            if (left is null || right is null)
            {
                throw new TokenizerLoadException($"{path}: model.merges[{rank}] is {merge.GetRawText()}; each merge is \"left right\" or [\"left\", \"right\"].");
            }

            if (!vocabulary.TryGetValue(left, out int leftId) || !vocabulary.TryGetValue(right, out int rightId) || !vocabulary.TryGetValue(left + right, out int mergedId))
            {
                throw new TokenizerLoadException($"{path}: model.merges[{rank}] ('{left}', '{right}') uses a token that is not in model.vocab.");
            }

            // A pair listed twice keeps its last rank, as the Rust library builds its map.
            merges[BytePairMerger.PairKey(leftId, rightId)] = new MergeRule(rank, mergedId);
            rank++;
        }

        return merges;
    }
}
