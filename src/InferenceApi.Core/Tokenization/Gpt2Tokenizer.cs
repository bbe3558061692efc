using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// GPT-2 byte-level BPE with the ids of Hugging Face's <c>GPT2Tokenizer</c> and OpenAI's encoder: GPT-2's word
/// splitting, then BPE over each word's UTF-8 bytes. No special tokens are added (<see cref="SpecialTokenCount"/> is 0);
/// the special token strings written in the text (<c>&lt;|endoftext|&gt;</c>) become their tokens, as in Hugging Face.
/// Immutable once created, so one instance per model serves all requests at once.
/// </summary>
/// <remarks>
/// Written out rather than built on Microsoft.ML.Tokenizers: its <c>CodeGenTokenizer</c> splits runs of spaces
/// differently from GPT-2 ("   leading" must give "Ġ", "Ġ", "Ġleading"), and owning the bytes gives exact offsets and
/// byte-exact streaming decoding (<see cref="IncrementalDecoder"/>).
/// </remarks>
public sealed class Gpt2Tokenizer : IGenerationTokenizer
{
    private readonly BytePairMerger _merger;
    private readonly byte[][] _tokenBytes;
    private readonly bool[] _isSpecial;
    private readonly TokenByteTable _table;
    private readonly Dictionary<string, int> _vocabulary;

    // Special token strings matched in the input, longest first so that the longer wins where two start together.
    private readonly (string Text, int Id)[] _specialTokens;

    private Gpt2Tokenizer(BytePairMerger merger, byte[][] tokenBytes, Gpt2TokenizerOptions options, Dictionary<string, int> vocabulary)
    {
        _merger = merger;
        _tokenBytes = tokenBytes;
        _isSpecial = new bool[tokenBytes.Length];
        Options = options;

        int? Find(string? token) => token is not null && vocabulary.TryGetValue(token, out int id) ? id : null;
        BosTokenId = Find(options.BosToken);
        EosTokenId = Find(options.EosToken);
        UnkTokenId = Find(options.UnkToken);
        int? padId = Find(options.PadToken);
        PadTokenId = padId ?? EosTokenId ?? 0;

        var specials = new List<(string Text, int Id)>();
        foreach ((string? text, int? id) in new[] { (options.BosToken, BosTokenId), (options.EosToken, EosTokenId), (options.UnkToken, UnkTokenId), (options.PadToken, padId) })
        {
            if (text is not null && id is int value && !_isSpecial[value])
            {
                _isSpecial[value] = true;
                specials.Add((text, value));
            }
        }

        _specialTokens = [.. specials.OrderByDescending(s => s.Text.Length)];
        _table = new TokenByteTable(tokenBytes, _isSpecial, stripLeadingSpace: false);
        _vocabulary = vocabulary;
        SpecialTokens = new SpecialTokenSet(options.BosToken, BosTokenId, options.EosToken, EosTokenId, options.UnkToken, options.PadToken, PadTokenId);
    }

    public SpecialTokenSet SpecialTokens { get; }

    public int? ModelMaxLength => Options.ModelMaxLength;

    public Gpt2TokenizerOptions Options { get; }

    /// <summary>The pad token if the folder names one, else <see cref="EosTokenId"/> (Hugging Face's advice for GPT-2), else 0.</summary>
    public int PadTokenId { get; }

    public int? BosTokenId { get; }

    /// <summary>The token that ends generation; <c>null</c> when the model has none (generation then runs to its length limit).</summary>
    public int? EosTokenId { get; }

    public int? UnkTokenId { get; }

    public int SpecialTokenCount => 0;

    public int VocabularySize => _tokenBytes.Length;

    /// <summary>Builds the tokenizer from a <c>vocab.json</c> and a <c>merges.txt</c>.</summary>
    /// <exception cref="TokenizerLoadException">A file is missing, unreadable or malformed, or a merge or special token is not in the vocabulary.</exception>
    public static Gpt2Tokenizer Create(string vocabularyPath, string mergesPath, Gpt2TokenizerOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabularyPath);
        ArgumentException.ThrowIfNullOrEmpty(mergesPath);
        ArgumentNullException.ThrowIfNull(options);

        Dictionary<string, int> vocabulary = Gpt2VocabularyReader.ReadVocabulary(vocabularyPath);
        Dictionary<long, MergeRule> merges = Gpt2VocabularyReader.ReadMerges(mergesPath, vocabulary);

        var byteTokenIds = new int[256];
        for (int b = 0; b < 256; b++)
        {
            string symbol = ByteLevelAlphabet.ToChar((byte)b).ToString();
            if (!vocabulary.TryGetValue(symbol, out byteTokenIds[b]))
            {
                throw new TokenizerLoadException(
                    $"{vocabularyPath}: byte 0x{b:X2} has no token ('{symbol}'); a byte-level BPE vocabulary holds all 256 byte characters.");
            }
        }

        foreach ((string setting, string? token) in new[] { ("bos_token", options.BosToken), ("eos_token", options.EosToken), ("unk_token", options.UnkToken), ("pad_token", options.PadToken) })
        {
            if (token is not null && !vocabulary.ContainsKey(token))
            {
                throw new TokenizerLoadException(
                    $"{vocabularyPath}: special token '{token}' ({setting}) is not in the vocabulary; fix {setting} in tokenizer_config.json, or set it to null if the model has none.");
            }
        }

        return new Gpt2Tokenizer(new BytePairMerger(byteTokenIds, merges), BuildTokenBytes(vocabulary), options, vocabulary);
    }

    /// <summary>
    /// Encodes <paramref name="text"/> with no special tokens added. Truncation keeps the <em>first</em>
    /// <paramref name="maxTokens"/> tokens, as Hugging Face does by default and as classifiers and the tokenize endpoint
    /// expect; generation prompts use <see cref="EncodePrompt(string, int, bool)"/>, which keeps the last.
    /// </summary>
    public TokenizedText Encode(string text, int maxTokens, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(text);
        ValidateMaxTokens(maxTokens);

        List<int> ids = Tokenize(text, spans: null);
        int kept = truncate ? Math.Min(ids.Count, maxTokens) : ids.Count;
        return new TokenizedText(ids.GetRange(0, kept).ToArray(), ids.Count);
    }

    /// <summary>
    /// Encodes a generation prompt. Truncation keeps the <em>last</em> <paramref name="maxTokens"/> tokens: the model
    /// continues from the end of the prompt, so the end is what must survive (the start of a long chat history or
    /// document goes first). The first kept token may then be the second half of a character's bytes.
    /// </summary>
    public TokenizedText EncodePrompt(string text, int maxTokens, bool truncate) => EncodePrompt(text, maxTokens, truncate, addSpecialTokens: false);

    /// <inheritdoc cref="EncodePrompt(string, int, bool)"/>
    /// <remarks>GPT-2 adds no special tokens around a text, so <paramref name="addSpecialTokens"/> changes nothing.</remarks>
    public TokenizedText EncodePrompt(string text, int maxTokens, bool truncate, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        ValidateMaxTokens(maxTokens);

        List<int> ids = Tokenize(text, spans: null);
        int kept = truncate ? Math.Min(ids.Count, maxTokens) : ids.Count;
        return new TokenizedText(ids.GetRange(ids.Count - kept, kept).ToArray(), ids.Count);
    }

    /// <remarks>
    /// Each token's text is its own bytes decoded, so a token holding part of a multi-byte character (an emoji is
    /// often two or three tokens) shows U+FFFD; its span is the whole character it touches. Truncation keeps the
    /// first tokens, as <see cref="Encode"/>.
    /// </remarks>
    public IReadOnlyList<TokenDetail> Describe(string text, int maxTokens, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(text);
        ValidateMaxTokens(maxTokens);

        var spans = new List<(int Start, int Stop)>();
        List<int> ids = Tokenize(text, spans);
        int kept = truncate ? Math.Min(ids.Count, maxTokens) : ids.Count;
        var details = new TokenDetail[kept];
        for (int i = 0; i < kept; i++)
        {
            int id = ids[i];
            details[i] = new TokenDetail(id, Encoding.UTF8.GetString(_tokenBytes[id]), _isSpecial[id], spans[i].Start, spans[i].Stop);
        }

        return details;
    }

    /// <remarks>
    /// The tokens' bytes joined and read as UTF-8; bytes that do not form a character become U+FFFD, as Hugging Face's
    /// <c>errors="replace"</c>. <paramref name="skipSpecialTokens"/> drops the bos, eos, unk and pad tokens.
    /// </remarks>
    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens) => _table.Decode(ids, skipSpecialTokens);

    /// <summary>A decoder for one generation stream; see <see cref="IncrementalDecoder"/>.</summary>
    public IncrementalDecoder CreateIncrementalDecoder(bool skipSpecialTokens) => new(_table, skipSpecialTokens);

    public int? TokenToId(string token) => _vocabulary.TryGetValue(token, out int id) ? id : null;

    private List<int> Tokenize(string text, List<(int Start, int Stop)>? spans)
    {
        // Hugging Face's ByteLevel(add_prefix_space): a space unless the text already starts with one. Spans are
        // shifted back so that the first word's token starts at 0.
        int shift = Options.AddPrefixSpace && !text.StartsWith(' ') ? 1 : 0;
        string source = shift == 1 ? " " + text : text;

        var ids = new List<int>(source.Length / 3 + 4);
        int position = 0;
        while (position < source.Length)
        {
            (int specialStart, string? specialText, int specialId) = FindSpecialToken(source, position);
            int segmentEnd = specialText is null ? source.Length : specialStart;
            while (position < segmentEnd)
            {
                int length = Gpt2PreTokenizer.NextPieceLength(source.AsSpan(0, segmentEnd), position);
                int first = ids.Count;
                _merger.Encode(source.AsSpan(position, length), ids);
                if (spans is not null)
                {
                    AddSpans(source.AsSpan(position, length), position - shift, ids, first, spans);
                }

                position += length;
            }

            if (specialText is not null)
            {
                ids.Add(specialId);
                spans?.Add((Math.Max(0, specialStart - shift), specialStart + specialText.Length - shift));
                position = specialStart + specialText.Length;
            }
        }

        return ids;
    }

    private (int Start, string? Text, int Id) FindSpecialToken(string source, int position)
    {
        (int Start, string? Text, int Id) best = (int.MaxValue, null, -1);
        foreach ((string text, int id) in _specialTokens)
        {
            int index = source.IndexOf(text, position, StringComparison.Ordinal);
            if (index >= 0 && index < best.Start)
            {
                best = (index, text, id);
            }
        }

        return best;
    }

    // Char span of each token of a piece, shifted back past the prefix space and clamped at 0.
    private void AddSpans(ReadOnlySpan<char> piece, int pieceStart, List<int> ids, int first, List<(int Start, int Stop)> spans)
    {
        int from = spans.Count;
        TokenSpans.Walk(piece, ids, first, id => _tokenBytes[id].Length, spans);
        for (int i = from; i < spans.Count; i++)
        {
            spans[i] = (Math.Max(0, pieceStart + spans[i].Start), Math.Max(0, pieceStart + spans[i].Stop));
        }
    }

    private static void ValidateMaxTokens(int maxTokens)
    {
        if (maxTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "maxTokens must be at least 1.");
        }
    }

    // Each vocabulary string turned back into bytes.
    private static byte[][] BuildTokenBytes(Dictionary<string, int> vocabulary)
    {
        var table = new byte[vocabulary.Values.Max() + 1][];
        Array.Fill(table, []);
        foreach ((string token, int id) in vocabulary)
        {
            table[id] = ByteLevelAlphabet.ToBytes(token);
        }

        return table;
    }
}
