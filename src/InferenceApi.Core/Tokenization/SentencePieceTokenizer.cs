using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// A SentencePiece BPE <c>tokenizer.model</c> (Llama-2, Mistral, Gemma) as Hugging Face's <c>LlamaTokenizer</c> runs it:
/// control tokens (<c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c>, <c>&lt;unk&gt;</c>) and tokenizer_config.json's added tokens are
/// matched in the text first; each stretch between them gets SentencePiece's dummy-prefix "▁" (every stretch when
/// <c>legacy</c>, as Hugging Face's default; only the first otherwise) and "▁" for spaces; then SentencePiece's BPE —
/// merge the adjacent pair whose joined piece scores highest, leftmost first — with byte fallback for characters
/// without a piece. Ids match SentencePiece itself (tests/fixtures/tokenizers, the real Llama-2 model).
/// </summary>
/// <remarks>
/// Not Microsoft.ML.Tokenizers' <c>SentencePieceTokenizer</c>: on the Llama-2 model it gives other ids than SentencePiece
/// for runs of one letter ("▁" + forty "a": pieces merged in another order) and leaves out the dummy prefix after a
/// special token, which legacy Llama tokenizers add (5 of the 63 reference texts differ).
/// </remarks>
public sealed class SentencePieceTokenizer : SegmentedTokenizer
{
    public const string FileName = "tokenizer.model";

    private static readonly Regex SpaceRuns = new(" {2,}", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));

    private readonly SentencePieceModelProto _model;
    private readonly BytePairMerger _merger;
    private readonly bool _legacy;
    private readonly int[] _pieceBytes;

    private SentencePieceTokenizer(
        SentencePieceModelProto model, BytePairMerger merger, bool legacy, int[] pieceBytes, TokenByteTable table, List<AddedToken> added, int[] prefix, int[] suffix, SpecialTokenSet specials, int? maxLength, Dictionary<string, int> lookup)
        : base(table, added, prefix, suffix, specials, maxLength, lookup)
    {
        _model = model;
        _merger = merger;
        _legacy = legacy;
        _pieceBytes = pieceBytes;
    }

    /// <exception cref="TokenizerLoadException">The file is unreadable, not a SentencePiece BPE model, or needs a normalizer this server does not run.</exception>
    public static SentencePieceTokenizer Load(string modelDirectory, GenerationTokenizerConfig config)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentNullException.ThrowIfNull(config);
        string path = Path.Combine(modelDirectory, FileName);
        var model = SentencePieceModelProto.Parse(path, TokenizerConfigJson.ReadBytes(path, "a model folder without vocab.json/merges.txt needs tokenizer.json or tokenizer.model."));
        if (model.ModelType != SentencePieceModelProto.BpeModel)
        {
            throw new TokenizerLoadException($"{path}: SentencePiece model type {(model.ModelType == SentencePieceModelProto.UnigramModel ? "Unigram" : model.ModelType.ToString(CultureInfo.InvariantCulture))} is not supported; decoder models served here use BPE (Llama-2, Mistral, Gemma).");
        }

        if (model.PrecompiledCharsmapLength > 0 && model.NormalizerName != "identity")
        {
            throw new TokenizerLoadException($"{path}: normalizer '{model.NormalizerName}' (a precompiled character map) is not supported; Llama-2, Mistral and Gemma models use 'identity'. A tokenizer.json next to it would be used instead.");
        }

        if (model.TreatWhitespaceAsSuffix)
        {
            throw new TokenizerLoadException($"{path}: treat_whitespace_as_suffix is not supported.");
        }

        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        var mergeable = new Dictionary<string, int>(StringComparer.Ordinal);
        var added = new Dictionary<int, AddedToken>();
        int?[] byteIds = new int?[256];
        var byteOf = new Dictionary<int, byte>();
        for (int id = 0; id < model.Pieces.Count; id++)
        {
            (string piece, _, int type) = model.Pieces[id];
            lookup.TryAdd(piece, id);
            switch (type)
            {
                case SentencePieceModelProto.Normal or SentencePieceModelProto.UserDefined:
                    mergeable.TryAdd(piece, id);
                    break;
                case SentencePieceModelProto.Control or SentencePieceModelProto.Unknown:
                    added[id] = new AddedToken(id, piece, Special: true);
                    break;
                case SentencePieceModelProto.Byte when piece.Length == 6 && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b):
                    byteIds[b] = id;
                    byteOf[id] = b;
                    break;
                default:
                    break;
            }
        }

        foreach (AddedToken token in config.AddedTokens)
        {
            added[token.Id] = token;
            lookup[token.Content] = token.Id;
        }

        string? Name(string? configured, int id) => configured ?? (id >= 0 && id < model.Pieces.Count ? model.Pieces[id].Piece : null);
        int? Find(string? token, string setting) => token is null ? null
            : lookup.TryGetValue(token, out int id) ? id
            : throw new TokenizerLoadException($"{path}: {setting} '{token}' (from tokenizer_config.json) is not a piece of tokenizer.model nor an added token; the two files do not belong together.");

        string? bos = Name(config.BosToken, model.BosId);
        string? eos = Name(config.EosToken, model.EosId);
        string? unk = Name(config.UnkToken, model.UnknownId);
        string? pad = config.PadToken ?? (model.PadId >= 0 ? Name(null, model.PadId) : null);
        int? bosId = Find(bos, "bos_token");
        int? eosId = Find(eos, "eos_token");
        int? padId = Find(pad, "pad_token");
        var specials = new SpecialTokenSet(bos, bosId, eos, eosId, unk, pad, padId ?? eosId ?? 0);

        // LlamaTokenizer adds <s> unless add_bos_token says otherwise, and no </s>.
        int[] prefix = config.AddBosToken ?? true ? bosId is int b0 ? [b0] : throw new TokenizerLoadException($"{path}: add_bos_token is on but there is no bos token.") : [];
        int[] suffix = config.AddEosToken == true ? eosId is int e0 ? [e0] : throw new TokenizerLoadException($"{path}: add_eos_token is on but there is no eos token.") : [];

        int size = Math.Max(model.Pieces.Count, added.Keys.DefaultIfEmpty(-1).Max() + 1);
        var bytes = new byte[size][];
        var special = new bool[size];
        var pieceBytes = new int[size];
        Array.Fill(bytes, []);
        for (int id = 0; id < model.Pieces.Count; id++)
        {
            (string piece, _, _) = model.Pieces[id];
            bool isByte = byteOf.TryGetValue(id, out byte value);
            bytes[id] = isByte ? [value] : Encoding.UTF8.GetBytes(piece.Replace('▁', ' '));
            pieceBytes[id] = isByte ? 1 : Encoding.UTF8.GetByteCount(piece);
        }

        foreach (AddedToken token in added.Values)
        {
            bytes[token.Id] = Encoding.UTF8.GetBytes(token.Content);
            special[token.Id] = token.Special;
        }

        int unknownId = model.UnknownId;
        var seeder = new CharacterSeeder(mergeable, model.ByteFallback ? byteIds : new int?[256], unknownId, fuseUnknown: false);
        BytePairMerger merger = new(seeder.Seed, Merges(model, mergeable));
        var table = new TokenByteTable(bytes, special, stripLeadingSpace: model.AddDummyPrefix);
        return new SentencePieceTokenizer(model, merger, config.Legacy, pieceBytes, table, [.. added.Values], prefix, suffix, specials, config.ModelMaxLength, lookup);
    }

    private protected override void EncodeText(string text, int start, int stop, bool atTextStart, List<int> ids, List<(int Start, int Stop)>? spans)
    {
        var aligned = new AlignedText(text, start, stop);
        if (_model.RemoveExtraWhitespaces)
        {
            aligned.Strip(left: true, right: true);
            aligned.Replace(string.Empty, SpaceRuns, " ");
        }

        if (aligned.Length == 0)
        {
            return;
        }

        if (_model.AddDummyPrefix && (_legacy || atTextStart))
        {
            aligned.Prepend(" ");
        }

        if (_model.EscapeWhitespaces)
        {
            aligned.Replace(" ", null, "▁");
        }

        int first = ids.Count;
        _merger.Encode(aligned.ToString(), ids);
        if (spans is not null)
        {
            TokenSpans.AddSources(aligned, ids, first, id => _pieceBytes[id], spans);
        }
    }

    // SentencePiece merges two symbols when their concatenation is a piece; the higher its score, the earlier.
    private static Dictionary<long, MergeRule> Merges(SentencePieceModelProto model, Dictionary<string, int> mergeable)
    {
        float[] scores = [.. mergeable.Values.Select(id => model.Pieces[id].Score).Distinct().OrderByDescending(s => s)];
        var rankOfScore = new Dictionary<float, int>(scores.Length);
        for (int i = 0; i < scores.Length; i++)
        {
            rankOfScore[scores[i]] = i;
        }

        var merges = new Dictionary<long, MergeRule>();
        foreach ((string piece, int id) in mergeable)
        {
            int rank = rankOfScore[model.Pieces[id].Score];
            for (int split = 1; split < piece.Length; split++)
            {
                if (char.IsLowSurrogate(piece[split]))
                {
                    continue;
                }

                if (mergeable.TryGetValue(piece[..split], out int left) && mergeable.TryGetValue(piece[split..], out int right))
                {
                    merges[BytePairMerger.PairKey(left, right)] = new MergeRule(rank, id);
                }
            }
        }

        return merges;
    }
}
