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
            };
        }
        catch (JsonException exception)
        {
            throw new ModelFolderException($"{Path.GetFileName(path)} is not valid JSON: {exception.Message}", exception);
        }
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
