using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace InferenceApi.Core.Models;

/// <summary>
/// Our optional <c>inference.json</c>: what Hugging Face's files do not say. <c>task</c>, and any
/// <see cref="ServingSettings"/> field by its camelCase name; absent fields keep the server default.
/// </summary>
public static class InferenceJson
{
    public const string FileName = "inference.json";

    private const string TaskField = "task";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly JsonDocumentOptions Reading = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// The task the file names (null when it names none) and <paramref name="defaults"/> with the file's fields over
    /// them. A malformed file, an unknown field or a value out of range refuses the model with a message naming it.
    /// </summary>
    public static (ModelTask? Task, ServingSettings Settings) Load(string path, ServingSettings defaults)
    {
        if (!File.Exists(path))
        {
            return (null, defaults);
        }

        JsonObject fields;
        ServingSettings settings;
        try
        {
            // A stream, not the bytes: the stream overloads skip a UTF-8 byte order mark, which editors on Windows write.
            using var stream = File.OpenRead(path);
            fields = JsonNode.Parse(stream, documentOptions: Reading) as JsonObject
                ?? throw new ModelFolderException($"{FileName} must hold a JSON object");

            // The file's fields over the defaults' own serialization: one declaration of each field, and unknown names still fail.
            var merged = JsonSerializer.SerializeToNode(defaults, Json)!.AsObject();
            foreach (var (name, value) in fields.Where(f => f.Key != TaskField))
            {
                merged[name] = value?.DeepClone();
            }

            settings = merged.Deserialize<ServingSettings>(Json)!;
        }
        catch (JsonException exception)
        {
            throw new ModelFolderException($"{FileName} is invalid: {exception.Message}", exception);
        }

        var problems = SettingsCheck.Problems(settings, JsonNamingPolicy.CamelCase.ConvertName);
        if (problems.Count > 0)
        {
            throw new ModelFolderException($"{FileName}: {string.Join(" ", problems)}");
        }

        return (ReadTask(fields), settings);
    }

    private static ModelTask? ReadTask(JsonObject fields)
    {
        if (!fields.TryGetPropertyValue(TaskField, out var node) || node is null)
        {
            return null;
        }

        var name = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
        return ModelTaskNames.TryParse(name, out var task)
            ? task
            : throw new ModelFolderException($"{FileName}: task '{name}' is unknown; use one of {ModelTaskNames.Known}");
    }
}
