namespace InferenceApi.Core.Tokenization;

/// <summary>
/// What the tokenizer.json and tokenizer.model tokenizers share: added tokens are found in the raw text first and never
/// split, each stretch of text between them is encoded by the subclass, and the model's special tokens (a bos token)
/// go around the result when asked. Decoding joins the tokens' bytes (<see cref="TokenByteTable"/>).
/// </summary>
public abstract class SegmentedTokenizer : IGenerationTokenizer
{
    private readonly TokenByteTable _table;
    private readonly AddedTokenSplitter _addedTokens;
    private readonly int[] _prefix;
    private readonly int[] _suffix;
    private readonly IReadOnlyDictionary<string, int> _lookup;

    private protected SegmentedTokenizer(
        TokenByteTable table, IEnumerable<AddedToken> addedTokens, int[] prefix, int[] suffix, SpecialTokenSet specialTokens, int? modelMaxLength, IReadOnlyDictionary<string, int> lookup)
    {
        _table = table;
        _addedTokens = new AddedTokenSplitter(addedTokens);
        _prefix = prefix;
        _suffix = suffix;
        _lookup = lookup;
        SpecialTokens = specialTokens;
        ModelMaxLength = modelMaxLength;
    }

    public SpecialTokenSet SpecialTokens { get; }

    public int? ModelMaxLength { get; }

    public int PadTokenId => SpecialTokens.PadId;

    /// <summary>How many tokens <see cref="Encode(string, int, bool)"/> puts around a text (1 for a Llama bos token, 0 for Qwen).</summary>
    public int SpecialTokenCount => _prefix.Length + _suffix.Length;

    public int VocabularySize => _table.Count;

    /// <summary>Encodes with the model's special tokens; truncation keeps them and the <em>first</em> tokens of the text.</summary>
    public TokenizedText Encode(string text, int maxTokens, bool truncate) => Encode(text, maxTokens, truncate, addSpecialTokens: true, keepLast: false);

    public TokenizedText EncodePrompt(string text, int maxTokens, bool truncate, bool addSpecialTokens) =>
        Encode(text, maxTokens, truncate, addSpecialTokens, keepLast: true);

    /// <remarks>A token holding part of a character (a byte-fallback piece) shows U+FFFD and spans the whole character.</remarks>
    public IReadOnlyList<TokenDetail> Describe(string text, int maxTokens, bool truncate)
    {
        ArgumentNullException.ThrowIfNull(text);
        ValidateMaxTokens(maxTokens);
        var spans = new List<(int Start, int Stop)>();
        List<int> ids = Tokenize(text, spans);
        int kept = Kept(ids.Count, maxTokens, truncate, addSpecialTokens: true);
        var details = new List<TokenDetail>(kept + SpecialTokenCount);
        details.AddRange(_prefix.Select(id => new TokenDetail(id, _table.TokenText(id), true, 0, 0)));
        for (int i = 0; i < kept; i++)
        {
            details.Add(new TokenDetail(ids[i], _table.TokenText(ids[i]), _table.IsSpecial(ids[i]), spans[i].Start, spans[i].Stop));
        }

        details.AddRange(_suffix.Select(id => new TokenDetail(id, _table.TokenText(id), true, 0, 0)));
        return details;
    }

    public string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens) => _table.Decode(ids, skipSpecialTokens);

    public IncrementalDecoder CreateIncrementalDecoder(bool skipSpecialTokens) => new(_table, skipSpecialTokens);

    public int? TokenToId(string token) => _lookup.TryGetValue(token, out int id) ? id : null;

    /// <summary>Encodes the text [<paramref name="start"/>, <paramref name="stop"/>) that lies between added tokens.</summary>
    /// <param name="atTextStart">Nothing comes before it (SentencePiece's dummy prefix may depend on this).</param>
    /// <param name="spans">When not null, one source span per id added.</param>
    private protected abstract void EncodeText(string text, int start, int stop, bool atTextStart, List<int> ids, List<(int Start, int Stop)>? spans);

    private TokenizedText Encode(string text, int maxTokens, bool truncate, bool addSpecialTokens, bool keepLast)
    {
        ArgumentNullException.ThrowIfNull(text);
        ValidateMaxTokens(maxTokens);
        List<int> ids = Tokenize(text, spans: null);
        int kept = Kept(ids.Count, maxTokens, truncate, addSpecialTokens);
        int extra = addSpecialTokens ? SpecialTokenCount : 0;
        var result = new int[kept + extra];
        if (addSpecialTokens)
        {
            _prefix.CopyTo(result, 0);
            _suffix.CopyTo(result, _prefix.Length + kept);
        }

        ids.CopyTo(keepLast ? ids.Count - kept : 0, result, addSpecialTokens ? _prefix.Length : 0, kept);
        return new TokenizedText(result, ids.Count + extra);
    }

    private int Kept(int count, int maxTokens, bool truncate, bool addSpecialTokens) =>
        truncate ? Math.Clamp(maxTokens - (addSpecialTokens ? SpecialTokenCount : 0), 0, count) : count;

    private List<int> Tokenize(string text, List<(int Start, int Stop)>? spans)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        int position = 0;
        foreach ((int start, int stop, AddedToken token) in _addedTokens.Find(text, 0, text.Length))
        {
            if (start > position)
            {
                EncodeText(text, position, start, position == 0, ids, spans);
            }

            ids.Add(token.Id);
            spans?.Add((start, stop));
            position = stop;
        }

        if (position < text.Length)
        {
            EncodeText(text, position, text.Length, position == 0, ids, spans);
        }

        return ids;
    }

    private static void ValidateMaxTokens(int maxTokens)
    {
        if (maxTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "maxTokens must be at least 1.");
        }
    }
}
