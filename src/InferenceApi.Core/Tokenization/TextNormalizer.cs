using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// tokenizer.json's <c>normalizer</c>: the steps real decoder tokenizers use (NFC/NFD/NFKC/NFKD, Lowercase, Strip,
/// Prepend, Replace, Sequence), applied in order to each stretch of text between added tokens.
/// </summary>
internal sealed class TextNormalizer
{
    private readonly List<Action<AlignedText>> _steps;

    private TextNormalizer(List<Action<AlignedText>> steps) => _steps = steps;

    public static TextNormalizer None { get; } = new([]);

    public bool IsEmpty => _steps.Count == 0;

    /// <exception cref="TokenizerLoadException">A step of a kind this server does not run, or a malformed one.</exception>
    public static TextNormalizer Read(string path, JsonElement element)
    {
        var steps = new List<Action<AlignedText>>();
        Add(path, element, steps);
        return new TextNormalizer(steps);
    }

    public void Apply(AlignedText text)
    {
        foreach (Action<AlignedText> step in _steps)
        {
            step(text);
        }
    }

    private static void Add(string path, JsonElement element, List<Action<AlignedText>> steps)
    {
        if (element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return;
        }

        string type = TokenizerJsonReader.Type(path, "normalizer", element);
        switch (type)
        {
            case "Sequence":
                foreach (JsonElement inner in TokenizerJsonReader.Array(path, "normalizer.normalizers", element, "normalizers"))
                {
                    Add(path, inner, steps);
                }

                break;
            case "NFC":
                steps.Add(t => t.Normalize(NormalizationForm.FormC));
                break;
            case "NFD":
                steps.Add(t => t.Normalize(NormalizationForm.FormD));
                break;
            case "NFKC":
                steps.Add(t => t.Normalize(NormalizationForm.FormKC));
                break;
            case "NFKD":
                steps.Add(t => t.Normalize(NormalizationForm.FormKD));
                break;
            case "Lowercase":
                steps.Add(t => t.ToLower());
                break;
            case "Strip":
                bool left = TokenizerJsonReader.Bool(element, "strip_left", true);
                bool right = TokenizerJsonReader.Bool(element, "strip_right", true);
                steps.Add(t => t.Strip(left, right));
                break;
            case "Prepend":
                string prefix = TokenizerJsonReader.String(path, "normalizer.prepend", element, "prepend");
                steps.Add(t => t.Prepend(prefix));
                break;
            case "Replace":
                (string pattern, Regex? regex) = TokenizerJsonReader.Pattern(path, "normalizer.pattern", element);
                string content = TokenizerJsonReader.String(path, "normalizer.content", element, "content");
                steps.Add(t => t.Replace(pattern, regex, content));
                break;
            default:
                throw new TokenizerLoadException(
                    $"{path}: normalizer '{type}' is not supported (supported: NFC, NFD, NFKC, NFKD, Lowercase, Strip, Prepend, Replace, Sequence).");
        }
    }
}
