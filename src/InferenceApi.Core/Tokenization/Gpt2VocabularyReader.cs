using System.Text;
using System.Text.Json;

namespace InferenceApi.Core.Tokenization;

/// <summary>Parses <c>vocab.json</c> and <c>merges.txt</c>, naming the file, line and problem when they cannot be used.</summary>
internal static class Gpt2VocabularyReader
{
    // Far above any real vocabulary (GPT-2: 50 257, Llama 3: 128 256); a larger id is a typo that would allocate gigabytes.
    private const int MaxTokenId = (1 << 24) - 1;

    /// <exception cref="TokenizerLoadException">The file is missing, unreadable, not a JSON object of token → id, empty, or repeats an id.</exception>
    public static Dictionary<string, int> ReadVocabulary(string path)
    {
        byte[] bytes = TokenizerConfigJson.ReadBytes(path, "a GPT-2 style model folder needs vocab.json (token → id).");
        using JsonDocument document = TokenizerConfigJson.Parse(path, bytes);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException($"{path}: expected a JSON object of token → id, found {document.RootElement.ValueKind}.");
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var tokenOfId = new Dictionary<int, string>();
        foreach (JsonProperty property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out int id) || id < 0 || id > MaxTokenId)
            {
                throw new TokenizerLoadException(
                    $"{path}: token '{property.Name}' has id {property.Value.GetRawText()}; ids must be whole numbers in [0, {MaxTokenId}].");
            }

            if (!vocabulary.TryAdd(property.Name, id))
            {
                throw new TokenizerLoadException($"{path}: token '{property.Name}' appears twice.");
            }

            if (!tokenOfId.TryAdd(id, property.Name))
            {
                throw new TokenizerLoadException($"{path}: tokens '{tokenOfId[id]}' and '{property.Name}' share id {id}; each id must be unique.");
            }
        }

        if (vocabulary.Count == 0)
        {
            throw new TokenizerLoadException($"{path}: vocabulary is empty.");
        }

        return vocabulary;
    }

    /// <summary>
    /// Reads merges.txt: an optional <c>#version</c> line, then one "left right" pair a line, highest priority first.
    /// A pair listed twice keeps its last rank, as in Hugging Face.
    /// </summary>
    /// <exception cref="TokenizerLoadException">The file is missing or unreadable, a line is not a pair, or a token is not in the vocabulary.</exception>
    public static Dictionary<long, MergeRule> ReadMerges(string path, Dictionary<string, int> vocabulary)
    {
        byte[] bytes = TokenizerConfigJson.ReadBytes(path, "a GPT-2 style model folder needs merges.txt (the BPE merge rules) next to vocab.json.");
        var merges = new Dictionary<long, MergeRule>();
        using var reader = new StreamReader(new MemoryStream(bytes, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int lineNumber = 0;
        int rank = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }

            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
            {
                throw new TokenizerLoadException($"{path}: line {lineNumber} is '{line}'; each line must be two tokens separated by one space.");
            }

            string left = line[..space];
            string right = line[(space + 1)..];
            int leftId = Lookup(path, lineNumber, vocabulary, left);
            int rightId = Lookup(path, lineNumber, vocabulary, right);
            int mergedId = Lookup(path, lineNumber, vocabulary, left + right);
            merges[BytePairMerger.PairKey(leftId, rightId)] = new MergeRule(rank++, mergedId);
        }

        return merges;
    }

    private static int Lookup(string path, int lineNumber, Dictionary<string, int> vocabulary, string token) =>
        vocabulary.TryGetValue(token, out int id)
            ? id
            : throw new TokenizerLoadException(
                $"{path}: line {lineNumber} uses '{token}', which is not in vocab.json; merges.txt and vocab.json must come from the same tokenizer.");
}
