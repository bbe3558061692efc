using System.Text.Json;
using System.Text.RegularExpressions;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// Reads the parts of a Hugging Face <c>tokenizer.json</c> that are plain data (typed settings, the post-processor's
/// special tokens, the decoder), naming the file and the JSON path of anything it cannot use.
/// </summary>
internal static class TokenizerJsonReader
{
    /// <summary>How token strings turn back into bytes, read from the <c>decoder</c>.</summary>
    public enum DecoderKind
    {
        /// <summary>GPT-2's byte alphabet: each character is one byte.</summary>
        ByteLevel,

        /// <summary>SentencePiece style: "▁" is a space, <c>&lt;0xNN&gt;</c> pieces are bytes.</summary>
        Metaspace,
    }

    public static string Type(string path, string what, JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw new TokenizerLoadException($"{path}: {what} must be null or an object with a \"type\", found {Shorten(element)}.");

    public static JsonElement.ArrayEnumerator Array(string path, string what, JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : throw new TokenizerLoadException($"{path}: {what} must be an array.");

    public static bool Bool(JsonElement element, string name, bool fallback) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;

    public static string String(string path, string what, JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new TokenizerLoadException($"{path}: {what} must be a string.");

    public static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A <c>pattern</c>: <c>{"String": "…"}</c> (literal) or <c>{"Regex": "…"}</c> (compiled here; Oniguruma syntax that .NET cannot read is refused).</summary>
    public static (string Pattern, Regex? Regex) Pattern(string path, string what, JsonElement element)
    {
        if (element.TryGetProperty("pattern", out JsonElement pattern) && pattern.ValueKind == JsonValueKind.Object)
        {
            if (OptionalString(pattern, "String") is { } literal)
            {
                return (literal, null);
            }

            if (OptionalString(pattern, "Regex") is { } regex)
            {
                try
                {
                    return (regex, new Regex(regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5)));
                }
                catch (ArgumentException ex)
                {
                    throw new TokenizerLoadException($"{path}: {what} regex cannot be compiled here: {ex.Message}", ex);
                }
            }
        }

        throw new TokenizerLoadException($"{path}: {what} must be {{\"String\": …}} or {{\"Regex\": …}}.");
    }

    /// <summary>
    /// The <c>decoder</c>: ByteLevel, Metaspace, or the SentencePiece sequence (Replace "▁" → " ", ByteFallback, Fuse,
    /// Strip of one leading space). Returns the kind and whether a leading space is stripped from a decoded text.
    /// </summary>
    public static (DecoderKind Kind, bool StripLeadingSpace) Decoder(string path, JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw new TokenizerLoadException($"{path}: no decoder; generation needs to turn tokens back into text (ByteLevel, Metaspace, or the SentencePiece Sequence).");
        }

        string type = Type(path, "decoder", element);
        switch (type)
        {
            case "ByteLevel":
                return (DecoderKind.ByteLevel, false);
            case "Metaspace":
                string scheme = OptionalString(element, "prepend_scheme") ?? (Bool(element, "add_prefix_space", true) ? "always" : "never");
                return (DecoderKind.Metaspace, scheme != "never");
            case "Sequence":
                bool replaced = false;
                bool strip = false;
                foreach (JsonElement step in Array(path, "decoder.decoders", element, "decoders"))
                {
                    string kind = Type(path, "decoder step", step);
                    switch (kind)
                    {
                        case "Replace" when Pattern(path, "decoder.pattern", step) is ("▁", null) && OptionalString(step, "content") == " ":
                            replaced = true;
                            break;
                        case "ByteFallback" or "Fuse":
                            break;
                        case "Strip" when OptionalString(step, "content") == " " && step.TryGetProperty("stop", out JsonElement stop) && stop.GetInt32() == 0:
                            strip = step.TryGetProperty("start", out JsonElement start) && start.GetInt32() > 0;
                            break;
                        case "ByteLevel":
                            return (DecoderKind.ByteLevel, false);
                        default:
                            throw new TokenizerLoadException($"{path}: decoder step {Shorten(step)} is not supported in a Sequence (supported: Replace \"▁\" → \" \", ByteFallback, Fuse, Strip of leading spaces, ByteLevel).");
                    }
                }

                return replaced
                    ? (DecoderKind.Metaspace, strip)
                    : throw new TokenizerLoadException($"{path}: a decoder Sequence must replace \"▁\" with \" \" (SentencePiece style) or be ByteLevel.");
            default:
                throw new TokenizerLoadException($"{path}: decoder '{type}' is not supported (supported: ByteLevel, Metaspace, and the SentencePiece Sequence).");
        }
    }

    /// <summary>
    /// The ids the <c>post_processor</c> puts before and after a single text: TemplateProcessing's special tokens around
    /// <c>$A</c>, Roberta/Bert's cls … sep; ByteLevel adds none.
    /// </summary>
    public static (int[] Prefix, int[] Suffix) PostProcessor(string path, JsonElement element)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return ([], []);
        }

        string type = Type(path, "post_processor", element);
        switch (type)
        {
            case "ByteLevel":
                return ([], []);
            case "Sequence":
                var prefix = new List<int>();
                var suffix = new List<int>();
                foreach (JsonElement inner in Array(path, "post_processor.processors", element, "processors"))
                {
                    (int[] p, int[] s) = PostProcessor(path, inner);
                    prefix.AddRange(p);
                    suffix.InsertRange(0, s);
                }

                return ([.. prefix], [.. suffix]);
            case "TemplateProcessing":
                return Template(path, element);
            case "RobertaProcessing" or "BertProcessing":
                return ([ProcessorToken(path, element, "cls")], [ProcessorToken(path, element, "sep")]);
            default:
                throw new TokenizerLoadException($"{path}: post_processor '{type}' is not supported (supported: TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing, Sequence).");
        }
    }

    private static (int[] Prefix, int[] Suffix) Template(string path, JsonElement element)
    {
        var ids = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (element.TryGetProperty("special_tokens", out JsonElement specials) && specials.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty special in specials.EnumerateObject())
            {
                ids[special.Name] = special.Value.TryGetProperty("ids", out JsonElement list) && list.ValueKind == JsonValueKind.Array
                    ? [.. list.EnumerateArray().Select(i => i.GetInt32())]
                    : throw new TokenizerLoadException($"{path}: post_processor.special_tokens.{special.Name} has no \"ids\" array.");
            }
        }

        var prefix = new List<int>();
        var suffix = new List<int>();
        bool seenText = false;
        foreach (JsonElement item in Array(path, "post_processor.single", element, "single"))
        {
            if (item.TryGetProperty("Sequence", out _))
            {
                seenText = true;
            }
            else if (item.TryGetProperty("SpecialToken", out JsonElement token) && OptionalString(token, "id") is { } name)
            {
                (seenText ? suffix : prefix).AddRange(ids.TryGetValue(name, out int[]? tokenIds)
                    ? tokenIds
                    : throw new TokenizerLoadException($"{path}: post_processor.single names '{name}', which special_tokens does not define."));
            }
            else
            {
                throw new TokenizerLoadException($"{path}: post_processor.single item {Shorten(item)} is neither a Sequence nor a SpecialToken.");
            }
        }

        return ([.. prefix], [.. suffix]);
    }

    private static int ProcessorToken(string path, JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement pair) && pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
            ? pair[1].GetInt32()
            : throw new TokenizerLoadException($"{path}: post_processor.{name} must be [token, id].");

    private static string Shorten(JsonElement element)
    {
        string raw = element.ValueKind == JsonValueKind.Undefined ? "nothing" : element.GetRawText();
        return raw.Length <= 80 ? raw : raw[..80] + "…";
    }
}
