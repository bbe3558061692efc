using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using InferenceApi.Trainer.Export;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Checkpoints;

/// <summary>
/// A checkpoint folder: <c>model.bin</c> (TorchSharp <c>save</c>), <c>trainer.json</c> (the task, everything
/// needed to rebuild the model — architecture, label names, tokenizer settings — and the run's metrics) and the
/// tokenizer files it names. <c>eval</c>, <c>export</c> and <c>--init-from</c> need nothing else.
/// </summary>
public sealed class Checkpoint
{
    public const string WeightsFileName = "model.bin";
    public const string ManifestFileName = "trainer.json";
    public const int FormatVersion = 1;

    /// <summary>snake_case names and string enums, as in the rest of the model folder's JSON.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private Checkpoint(string directory, string task, JsonNode model, JsonNode? metrics)
    {
        Directory = directory;
        Task = task;
        Model = model;
        Metrics = metrics;
    }

    public string Directory { get; }

    /// <summary>The task that wrote it, e.g. <c>text-classification</c>.</summary>
    public string Task { get; }

    /// <summary>The task's own description of the model (architecture, labels, tokenizer).</summary>
    public JsonNode Model { get; }

    public JsonNode? Metrics { get; }

    public string WeightsPath => Path.Combine(Directory, WeightsFileName);

    /// <summary>Reads and checks a checkpoint folder; every problem names the folder and the file to fix.</summary>
    /// <summary>How reports name checkpoints: the folder, or an ensemble's member folders joined by " + ".</summary>
    public static string Names(IReadOnlyList<Checkpoint> checkpoints) => string.Join(" + ", checkpoints.Select(c => c.Directory));

    public static Checkpoint Open(string folder)
    {
        var directory = Path.GetFullPath(folder);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"checkpoint folder not found: {directory}");
        }

        var manifestPath = Path.Combine(directory, ManifestFileName);
        if (!System.IO.File.Exists(manifestPath))
        {
            throw new InvalidDataException($"{directory}: not a checkpoint folder ({ManifestFileName} is missing; train with --out to write one)");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(System.IO.File.ReadAllText(manifestPath));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{manifestPath}: not valid JSON ({e.Message})", e);
        }

        var task = root?["task"]?.GetValue<string>() ?? throw new InvalidDataException($"{manifestPath}: no \"task\"");
        var model = root["model"] ?? throw new InvalidDataException($"{manifestPath}: no \"model\"");
        var checkpoint = new Checkpoint(directory, task, model, root["metrics"]);
        checkpoint.File(WeightsFileName);
        return checkpoint;
    }

    /// <summary>The path of a file the checkpoint must hold.</summary>
    public string File(string name)
    {
        var path = Path.Combine(Directory, name);
        return System.IO.File.Exists(path) ? path : throw new InvalidDataException($"{Directory}: {name} is missing");
    }

    /// <summary>The "model" section as the task's own record.</summary>
    public T ReadModel<T>()
    {
        try
        {
            return Model.Deserialize<T>(Json) ?? throw new InvalidDataException($"{Path.Combine(Directory, ManifestFileName)}: \"model\" is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Path.Combine(Directory, ManifestFileName)}: \"model\" does not describe a {Task} model ({e.Message})", e);
        }
    }

    /// <summary>Loads <c>model.bin</c> into <paramref name="module"/>, which must have the architecture trainer.json describes.</summary>
    public void LoadWeights(nn.Module module)
    {
        try
        {
            module.load(WeightsPath);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or KeyNotFoundException or EndOfStreamException)
        {
            throw new InvalidDataException($"{WeightsPath}: does not hold the weights {ManifestFileName} describes ({e.Message})", e);
        }
    }

    /// <summary>
    /// Writes a checkpoint folder to <paramref name="target"/> (which must not exist) under a temporary name and
    /// renames it, so an interrupted write leaves nothing that looks like a checkpoint.
    /// </summary>
    /// <param name="writeFiles">Copies the tokenizer files the model section names into the folder.</param>
    public static void Write(string target, string task, nn.Module module, JsonNode model, JsonNode? metrics, Action<string> writeFiles)
    {
        var full = ModelFolderPublisher.Target(target);
        ModelFolderPublisher.Publish(full, folder =>
        {
            module.save(Path.Combine(folder, WeightsFileName));
            writeFiles(folder);
            var manifest = new JsonObject
            {
                ["format"] = FormatVersion,
                ["task"] = task,
                ["model"] = model.DeepClone(),
                ["metrics"] = metrics?.DeepClone(),
            };
            System.IO.File.WriteAllText(Path.Combine(folder, ManifestFileName), manifest.ToJsonString(Json));
        });
    }
}
