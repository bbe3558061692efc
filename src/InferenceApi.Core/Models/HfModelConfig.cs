using System.Globalization;
using System.Text.Json;

namespace InferenceApi.Core.Models;

/// <summary>The parts of a Hugging Face <c>config.json</c> the server uses. Unknown fields are ignored.</summary>
public sealed record HfModelConfig
{
    public string? ModelType { get; init; }

    public IReadOnlyList<string> Architectures { get; init; } = [];

    /// <summary>Labels in id order; empty when the config has none.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    public int? HiddenSize { get; init; }

    public int? MaxPositionEmbeddings { get; init; }

    /// <summary><c>vocab_size</c>: the logits width when the graph leaves it dynamic.</summary>
    public int? VocabularySize { get; init; }

    /// <summary><c>num_attention_heads</c> (GPT-2: <c>n_head</c>).</summary>
    public int? AttentionHeads { get; init; }

    /// <summary><c>num_key_value_heads</c>: fewer than the attention heads under grouped-query attention.</summary>
    public int? KeyValueHeads { get; init; }

    /// <summary><c>head_dim</c> when the model sets it apart from hidden size / heads.</summary>
    public int? HeadDim { get; init; }

    /// <summary><c>eos_token_id</c>: one id or a list (Llama 3 lists several); empty when absent.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Reads <c>config.json</c>; throws <see cref="ModelFolderException"/> naming the file when it is malformed.</summary>
    public static HfModelConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            return new HfModelConfig();
        }

        try
        {
            // A stream, not the bytes: the stream overloads skip a UTF-8 byte order mark, which editors on Windows write.
            using var stream = File.OpenRead(path);
            using var doc = JsonDocument.Parse(stream);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ModelFolderException($"{Path.GetFileName(path)} must hold a JSON object; it holds {root.ValueKind}");
            }

            return new HfModelConfig
            {
                ModelType = root.TryGetProperty("model_type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null,
                Architectures = root.TryGetProperty("architectures", out var arch) && arch.ValueKind == JsonValueKind.Array
                    ? arch.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.String).Select(a => a.GetString()!).ToArray()
                    : [],
                Labels = ReadLabels(root, path),
                HiddenSize = ReadInt(root, "hidden_size") ?? ReadInt(root, "n_embd"),
                MaxPositionEmbeddings = ReadInt(root, "max_position_embeddings") ?? ReadInt(root, "n_positions"),
                VocabularySize = ReadInt(root, "vocab_size"),
                AttentionHeads = ReadInt(root, "num_attention_heads") ?? ReadInt(root, "n_head"),
                KeyValueHeads = ReadInt(root, "num_key_value_heads"),
                HeadDim = ReadInt(root, "head_dim"),
                EosTokenIds = ReadTokenIds(root, "eos_token_id", path),
            };
        }
        catch (JsonException exception)
        {
            throw new ModelFolderException($"{Path.GetFileName(path)} is not valid JSON: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// A token id field of a Hugging Face config (<c>config.json</c>, <c>generation_config.json</c>): absent or null gives
    /// an empty list, an integer one id, an array of integers several; anything else names the file and field.
    /// </summary>
    public static IReadOnlyList<int> ReadTokenIds(JsonElement root, string name, string path)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToArray() : [value];
        var ids = new List<int>(items.Length);
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var id) || id < 0)
            {
                throw new ModelFolderException($"{Path.GetFileName(path)}: {name} must be a non-negative integer or a list of them; it is {value.GetRawText()}");
            }

            ids.Add(id);
        }

        return ids;
    }

    private static int? ReadInt(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static string[] ReadLabels(JsonElement root, string path)
    {
        if (!root.TryGetProperty("id2label", out var map) || map.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var pairs = new SortedDictionary<int, string>();
        foreach (var property in map.EnumerateObject())
        {
            if (!int.TryParse(property.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || property.Value.ValueKind != JsonValueKind.String)
            {
                throw new ModelFolderException($"{Path.GetFileName(path)}: id2label key '{property.Name}' must be a non-negative integer mapped to a string");
            }

            pairs[id] = property.Value.GetString()!;
        }

        var labels = pairs.Values.ToArray();
        if (pairs.Keys.Select((id, index) => id != index).Any(gap => gap))
        {
            throw new ModelFolderException($"{Path.GetFileName(path)}: id2label ids must run 0..{labels.Length - 1} without gaps");
        }

        return labels;
    }
}
