using System.Text.Json;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// What a decoder model's <c>tokenizer_config.json</c> (and, for what it leaves out, <c>special_tokens_map.json</c>)
/// says about its tokenizer and chat: special tokens, whether a bos/eos token goes around every text, added tokens by
/// id, and the Jinja chat templates.
/// </summary>
public sealed record GenerationTokenizerConfig
{
    public const string FileName = "tokenizer_config.json";

    public const string SpecialTokensMapFileName = "special_tokens_map.json";

    public string? BosToken { get; init; }

    public string? EosToken { get; init; }

    public string? UnkToken { get; init; }

    public string? PadToken { get; init; }

    /// <summary><c>add_bos_token</c>; <c>null</c> when absent (the tokenizer file's own rule applies).</summary>
    public bool? AddBosToken { get; init; }

    /// <summary><c>add_eos_token</c>; <c>null</c> when absent.</summary>
    public bool? AddEosToken { get; init; }

    /// <summary>
    /// <c>legacy</c> (SentencePiece Llama tokenizers): when true (the default, as Hugging Face assumes when it is absent),
    /// the text after a special token gets a dummy-prefix "▁" like the start of the text does.
    /// </summary>
    public bool Legacy { get; init; } = true;

    public int? ModelMaxLength { get; init; }

    /// <summary><c>added_tokens_decoder</c>: id → token, as transformers writes it.</summary>
    internal IReadOnlyList<AddedToken> AddedTokens { get; init; } = [];

    /// <summary>
    /// <c>chat_template</c>: a string (named "default") or a list of <c>{"name", "template"}</c>; empty when there is none.
    /// </summary>
    public IReadOnlyDictionary<string, string> ChatTemplates { get; init; } = new Dictionary<string, string>();

    /// <summary>Reads the files from <paramref name="modelDirectory"/>; an absent file gives the empty configuration.</summary>
    /// <exception cref="TokenizerLoadException">A file is unreadable, not JSON, or a setting has the wrong type.</exception>
    public static GenerationTokenizerConfig Read(string modelDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        string path = Path.Combine(modelDirectory, FileName);
        using JsonDocument? map = TokenizerConfigJson.ReadOptionalObject(Path.Combine(modelDirectory, SpecialTokensMapFileName));
        using JsonDocument? document = TokenizerConfigJson.ReadOptionalObject(path);
        JsonElement root = document?.RootElement ?? default;

        string? Token(string name)
        {
            if (document is not null && TokenizerConfigJson.TryReadToken(path, root, name, out string? token))
            {
                return token;
            }

            return map is null ? null : TokenizerConfigJson.ReadToken(Path.Combine(modelDirectory, SpecialTokensMapFileName), map.RootElement, name);
        }

        if (document is null)
        {
            return new GenerationTokenizerConfig { BosToken = Token("bos_token"), EosToken = Token("eos_token"), UnkToken = Token("unk_token"), PadToken = Token("pad_token") };
        }

        return new GenerationTokenizerConfig
        {
            BosToken = Token("bos_token"),
            EosToken = Token("eos_token"),
            UnkToken = Token("unk_token"),
            PadToken = Token("pad_token"),
            AddBosToken = TokenizerConfigJson.ReadBoolean(path, root, "add_bos_token"),
            AddEosToken = TokenizerConfigJson.ReadBoolean(path, root, "add_eos_token"),
            Legacy = TokenizerConfigJson.ReadBoolean(path, root, "legacy") ?? true,
            ModelMaxLength = TokenizerConfigJson.ReadMaxLength(path, root),
            AddedTokens = ReadAddedTokens(path, root),
            ChatTemplates = ReadChatTemplates(path, root),
        };
    }

    private static List<AddedToken> ReadAddedTokens(string path, JsonElement root)
    {
        var tokens = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens_decoder", out JsonElement decoder) || decoder.ValueKind != JsonValueKind.Object)
        {
            return tokens;
        }

        foreach (JsonProperty entry in decoder.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, out int id) || id < 0 || entry.Value.ValueKind != JsonValueKind.Object
                || TokenizerJsonReader.OptionalString(entry.Value, "content") is not { Length: > 0 } content)
            {
                throw new TokenizerLoadException($"{path}: added_tokens_decoder.{entry.Name} must map a token id to {{\"content\": …}}.");
            }

            tokens.Add(ReadAddedToken(id, content, entry.Value));
        }

        return tokens;
    }

    /// <summary>One added token's flags as tokenizer.json and tokenizer_config.json write them.</summary>
    internal static AddedToken ReadAddedToken(int id, string content, JsonElement element) => new(
        id,
        content,
        TokenizerJsonReader.Bool(element, "special", false),
        TokenizerJsonReader.Bool(element, "single_word", false),
        TokenizerJsonReader.Bool(element, "lstrip", false),
        TokenizerJsonReader.Bool(element, "rstrip", false),
        TokenizerJsonReader.Bool(element, "normalized", false));

    private static Dictionary<string, string> ReadChatTemplates(string path, JsonElement root)
    {
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("chat_template", out JsonElement template) || template.ValueKind == JsonValueKind.Null)
        {
            return templates;
        }

        if (template.ValueKind == JsonValueKind.String)
        {
            templates["default"] = template.GetString()!;
            return templates;
        }

        if (template.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerLoadException($"{path}: chat_template must be a string or a list of {{\"name\", \"template\"}}, found {template.ValueKind}.");
        }

        foreach (JsonElement item in template.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || TokenizerJsonReader.OptionalString(item, "name") is not { } name
                || TokenizerJsonReader.OptionalString(item, "template") is not { } text)
            {
                throw new TokenizerLoadException($"{path}: each chat_template entry must be {{\"name\": …, \"template\": …}}.");
            }

            templates[name] = text;
        }

        return templates;
    }
}
