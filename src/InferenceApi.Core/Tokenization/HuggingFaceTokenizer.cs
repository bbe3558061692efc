using System.Globalization;
using System.Text;
using System.Text.Json;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// A Hugging Face <c>tokenizer.json</c> with a BPE model, as Llama-3, Qwen2/3, Mistral, Gemma, Phi and GPT-2 ship it:
/// added tokens, normalizer, pre-tokenizer (byte-level or SentencePiece style), BPE with byte fallback and
/// <c>ignore_merges</c>, post-processor, decoder. Ids match the Rust <c>tokenizers</c> library (tests/fixtures/tokenizers).
/// </summary>
/// <remarks>
/// Written here rather than on Microsoft.ML.Tokenizers: its <c>BpeTokenizer</c> reads vocab/merges but not the
/// tokenizer.json pipeline (added tokens with their flags, Split regexes run on code points, Metaspace, byte fallback,
/// <c>ignore_merges</c>, templates), and its byte-level pre-tokenization splits runs of spaces differently.
/// </remarks>
public sealed class HuggingFaceTokenizer : SegmentedTokenizer
{
    public const string FileName = "tokenizer.json";

    private readonly TextNormalizer _normalizer;
    private readonly PreTokenizer _preTokenizer;
    private readonly AddedTokenSplitter _normalizedTokens;
    private readonly BpeModel _model;

    private HuggingFaceTokenizer(
        Parts parts, TokenByteTable table, IReadOnlyList<AddedToken> addedTokens, int[] prefix, int[] suffix, SpecialTokenSet specials, int? maxLength, Dictionary<string, int> lookup)
        : base(table, addedTokens.Where(t => !t.Normalized), prefix, suffix, specials, maxLength, lookup)
    {
        _normalizer = parts.Normalizer;
        _preTokenizer = parts.PreTokenizer;
        _model = parts.Model;
        _normalizedTokens = new AddedTokenSplitter(addedTokens.Where(t => t.Normalized));
    }

    /// <summary>Reads <c>tokenizer.json</c> from <paramref name="modelDirectory"/> with its <c>tokenizer_config.json</c> settings.</summary>
    /// <exception cref="TokenizerLoadException">The file is unreadable, not a BPE tokenizer, uses a part this server does not run, or names a special token it lacks.</exception>
    public static HuggingFaceTokenizer Load(string modelDirectory, GenerationTokenizerConfig config)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        ArgumentNullException.ThrowIfNull(config);
        string path = Path.Combine(modelDirectory, FileName);
        using JsonDocument document = TokenizerConfigJson.Parse(path, TokenizerConfigJson.ReadBytes(path, "a model folder without vocab.json/merges.txt needs tokenizer.json or tokenizer.model."));
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out JsonElement modelElement))
        {
            throw new TokenizerLoadException($"{path}: not a tokenizer.json (no \"model\").");
        }

        List<AddedToken> addedTokens = ReadAddedTokens(path, root);
        var preTokenizer = PreTokenizer.Read(path, Property(root, "pre_tokenizer"));
        var model = BpeModel.Read(path, modelElement, preTokenizer.ByteLevel);
        var normalizer = TextNormalizer.Read(path, Property(root, "normalizer"));
        (TokenizerJsonReader.DecoderKind decoder, bool strip) = TokenizerJsonReader.Decoder(path, Property(root, "decoder"));

        var lookup = new Dictionary<string, int>(model.Vocabulary, StringComparer.Ordinal);
        foreach (AddedToken token in addedTokens)
        {
            lookup[token.Content] = token.Id;
        }

        int? Find(string? token, string setting) => token is null ? null
            : lookup.TryGetValue(token, out int id) ? id
            : throw new TokenizerLoadException($"{path}: {setting} '{token}' (from tokenizer_config.json) is neither in the vocabulary nor an added token; the two files do not belong together.");

        int? bos = Find(config.BosToken, "bos_token");
        int? eos = Find(config.EosToken, "eos_token");
        Find(config.UnkToken, "unk_token");
        int? pad = Find(config.PadToken, "pad_token");
        var specials = new SpecialTokenSet(config.BosToken, bos, config.EosToken, eos, config.UnkToken, config.PadToken, pad ?? eos ?? 0);

        (int[] prefix, int[] suffix) = config.AddBosToken is null && config.AddEosToken is null
            ? TokenizerJsonReader.PostProcessor(path, Property(root, "post_processor"))
            : (Around(path, config.AddBosToken, bos, "add_bos_token", "bos_token"), Around(path, config.AddEosToken, eos, "add_eos_token", "eos_token"));

        int size = Math.Max(model.Vocabulary.Values.DefaultIfEmpty(-1).Max(), addedTokens.Select(t => t.Id).DefaultIfEmpty(-1).Max()) + 1;
        foreach (int id in prefix.Concat(suffix).Where(id => id < 0 || id >= size))
        {
            throw new TokenizerLoadException($"{path}: post_processor adds token id {id}, outside the vocabulary [0, {size}).");
        }

        var special = new bool[size];
        foreach (int? id in new[] { bos, eos, pad, config.UnkToken is null ? null : lookup[config.UnkToken] }.Concat(addedTokens.Where(t => t.Special).Select(t => (int?)t.Id)))
        {
            if (id is int value)
            {
                special[value] = true;
            }
        }

        var table = new TokenByteTable(TokenBytes(size, model, addedTokens, decoder), special, strip);
        var parts = new Parts(normalizer, preTokenizer, model);
        return new HuggingFaceTokenizer(parts, table, addedTokens, prefix, suffix, specials, config.ModelMaxLength, lookup);
    }

    private protected override void EncodeText(string text, int start, int stop, bool atTextStart, List<int> ids, List<(int Start, int Stop)>? spans)
    {
        var aligned = new AlignedText(text, start, stop);
        _normalizer.Apply(aligned);
        string normalized = aligned.ToString();
        int position = 0;
        foreach ((int matchStart, int matchStop, AddedToken token) in _normalizedTokens.Find(normalized, 0, normalized.Length))
        {
            if (matchStart > position)
            {
                EncodeNormalized(aligned.Slice(position, matchStart), atTextStart && position == 0, ids, spans);
            }

            ids.Add(token.Id);
            spans?.Add(aligned.ToSource(matchStart, matchStop));
            position = matchStop;
        }

        if (position == 0)
        {
            EncodeNormalized(aligned, atTextStart, ids, spans);
        }
        else if (position < normalized.Length)
        {
            EncodeNormalized(aligned.Slice(position, normalized.Length), false, ids, spans);
        }
    }

    private void EncodeNormalized(AlignedText text, bool atTextStart, List<int> ids, List<(int Start, int Stop)>? spans)
    {
        foreach (AlignedText piece in _preTokenizer.Split(text, atTextStart))
        {
            if (piece.Length == 0)
            {
                continue;
            }

            int first = ids.Count;
            _model.Encode(piece.ToString(), ids);
            if (spans is not null)
            {
                TokenSpans.AddSources(piece, ids, first, _model.PieceByteLength, spans);
            }
        }
    }

    private static JsonElement Property(JsonElement root, string name) => root.TryGetProperty(name, out JsonElement value) ? value : default;

    private static int[] Around(string path, bool? add, int? id, string setting, string token) => add != true ? []
        : id is int value ? [value]
        : throw new TokenizerLoadException($"{path}: tokenizer_config.json sets {setting} but names no {token}.");

    private static List<AddedToken> ReadAddedTokens(string path, JsonElement root)
    {
        var tokens = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out JsonElement added) || added.ValueKind == JsonValueKind.Null)
        {
            return tokens;
        }

        foreach (JsonElement item in TokenizerJsonReader.Array(path, "added_tokens", root, "added_tokens"))
        {
            if (!item.TryGetProperty("id", out JsonElement id) || !id.TryGetInt32(out int value) || value < 0
                || TokenizerJsonReader.OptionalString(item, "content") is not { Length: > 0 } content)
            {
                throw new TokenizerLoadException($"{path}: each added_tokens entry needs an \"id\" (a whole number >= 0) and a non-empty \"content\".");
            }

            tokens.Add(GenerationTokenizerConfig.ReadAddedToken(value, content, item));
        }

        return tokens;
    }

    private static byte[][] TokenBytes(int size, BpeModel model, List<AddedToken> addedTokens, TokenizerJsonReader.DecoderKind decoder)
    {
        var table = new byte[size][];
        Array.Fill(table, []);
        foreach ((string token, int id) in model.Vocabulary)
        {
            table[id] = Bytes(token, decoder, model.ByteFallback);
        }

        foreach (AddedToken token in addedTokens)
        {
            table[token.Id] = Bytes(token.Content, decoder, byteFallback: false);
        }

        return table;
    }

    private static byte[] Bytes(string token, TokenizerJsonReader.DecoderKind decoder, bool byteFallback)
    {
        if (decoder == TokenizerJsonReader.DecoderKind.Metaspace)
        {
            return byteFallback && token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
                && byte.TryParse(token.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b)
                ? [b]
                : Encoding.UTF8.GetBytes(token.Replace('▁', ' '));
        }

        return ByteLevelAlphabet.ToBytes(token);
    }

    private sealed record Parts(TextNormalizer Normalizer, PreTokenizer PreTokenizer, BpeModel Model);
}
