using System.Text.Json;
using System.Text.Json.Nodes;

namespace InferenceApi.Onnx.Graphs;

/// <summary>
/// Turns a fine-tuned text-classifier export folder into an embeddings (feature-extraction) model folder in the
/// same repository layout: the derived <c>model.onnx</c>, a <c>config.json</c> naming the base architecture
/// without labels, and the tokenizer files copied as they are.
/// </summary>
public static class EmbeddingModelFolder
{
    private const string ModelFile = "model.onnx";
    private const string ConfigFile = "config.json";
    private const string ClassificationSuffix = "ForSequenceClassification";

    private static readonly string[] RequiredTokenizerFiles = ["vocab.txt", "tokenizer_config.json"];

    // Copied when present; inference.json is not, since it may pin the classification task.
    private static readonly string[] OptionalTokenizerFiles = ["special_tokens_map.json", "tokenizer.json"];

    private static readonly JsonSerializerOptions WriteIndented = new() { WriteIndented = true };

    /// <summary>Writes the embeddings model folder into <paramref name="targetFolder"/> (created if missing).</summary>
    /// <exception cref="FileNotFoundException">The classifier folder lacks model.onnx, config.json or a tokenizer file.</exception>
    /// <exception cref="OnnxGraphException">The classifier graph has no BERT classifier head to trace the hidden state from.</exception>
    public static void CreateFrom(string classifierFolder, string targetFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(classifierFolder);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetFolder);
        foreach (var file in RequiredTokenizerFiles.Append(ModelFile).Append(ConfigFile))
        {
            var path = Path.Combine(classifierFolder, file);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The classifier folder '{classifierFolder}' has no {file}; an embeddings model needs it.", path);
            }
        }

        Directory.CreateDirectory(targetFolder);
        WriteModel(classifierFolder, targetFolder);
        WriteConfig(Path.Combine(classifierFolder, ConfigFile), Path.Combine(targetFolder, ConfigFile));
        foreach (var file in RequiredTokenizerFiles.Concat(OptionalTokenizerFiles))
        {
            var source = Path.Combine(classifierFolder, file);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(targetFolder, file), overwrite: true);
            }
        }
    }

    private static void WriteModel(string classifierFolder, string targetFolder)
    {
        var derived = EncoderHiddenStateExporter.Export(Path.Combine(classifierFolder, ModelFile), Path.Combine(targetFolder, ModelFile));

        // Weights past protobuf's 2 GB limit live in side files named by the initializers; the kept ones go along.
        var externalFiles = derived.Graph.Initializer
            .SelectMany(t => t.ExternalData)
            .Where(entry => entry.Key == "location")
            .Select(entry => entry.Value)
            .Distinct(StringComparer.Ordinal);
        foreach (var location in externalFiles)
        {
            var destination = Path.Combine(targetFolder, location);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(Path.Combine(classifierFolder, location), destination, overwrite: true);
        }
    }

    private static void WriteConfig(string sourceConfig, string targetConfig)
    {
        if (JsonNode.Parse(File.ReadAllText(sourceConfig)) is not JsonObject config)
        {
            throw new InvalidDataException($"'{sourceConfig}' is not a JSON object.");
        }

        var architectures = (config["architectures"] as JsonArray)?
            .Select(a => a?.GetValue<string>())
            .OfType<string>()
            .Where(a => a.EndsWith(ClassificationSuffix, StringComparison.Ordinal))
            .Select(a => a[..^ClassificationSuffix.Length] + "Model")
            .ToList();
        config["architectures"] = new JsonArray([.. (architectures is { Count: > 0 } ? architectures : ["BertModel"]).Select(a => JsonValue.Create(a))]);

        // Labels belong to the classifier head that is gone; leaving them would make the folder look like a classifier.
        config.Remove("id2label");
        config.Remove("label2id");
        config.Remove("problem_type");
        File.WriteAllText(targetConfig, config.ToJsonString(WriteIndented));
    }
}
