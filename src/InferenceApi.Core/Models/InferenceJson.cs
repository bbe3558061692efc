using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Models;

/// <summary>
/// Our optional <c>inference.json</c>: what Hugging Face's files do not say (task, batching, provider).
/// Every field is optional; absent ones keep the server default.
/// </summary>
public sealed record InferenceJson
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
    };

    public string? Task { get; init; }

    public int? MaxBatchSize { get; init; }

    public int? MaxBatchTokens { get; init; }

    public int? MaxQueueDelayMs { get; init; }

    public int? QueueCapacity { get; init; }

    public int? Instances { get; init; }

    public int? RequestTimeoutMs { get; init; }

    public ExecutionProvider? ExecutionProvider { get; init; }

    public int? IntraOpThreads { get; init; }

    public int? InterOpThreads { get; init; }

    public int? CudaDeviceId { get; init; }

    public int? MaxSequenceLength { get; init; }

    public bool? Normalize { get; init; }

    /// <summary>Reads the file if present; a malformed file refuses the model with a message naming the problem.</summary>
    public static InferenceJson Load(string path)
    {
        if (!File.Exists(path))
        {
            return new InferenceJson();
        }

        try
        {
            // A stream, not the bytes: the stream overloads skip a UTF-8 byte order mark, which editors on Windows write.
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<InferenceJson>(stream, Json) ?? new InferenceJson();
        }
        catch (JsonException exception)
        {
            throw new ModelFolderException($"inference.json is invalid: {exception.Message}", exception);
        }
    }

    public ServingSettings ApplyTo(ServingSettings defaults)
    {
        ModelTask? task = null;
        if (Task is not null)
        {
            task = ModelTaskNames.TryParse(Task, out var parsed)
                ? parsed
                : throw new ModelFolderException($"inference.json: task '{Task}' is unknown; use one of {ModelTaskNames.Known}");
        }

        var merged = defaults with
        {
            Task = task ?? defaults.Task,
            MaxBatchSize = MaxBatchSize ?? defaults.MaxBatchSize,
            MaxBatchTokens = MaxBatchTokens ?? defaults.MaxBatchTokens,
            MaxQueueDelay = MaxQueueDelayMs is { } delay ? TimeSpan.FromMilliseconds(delay) : defaults.MaxQueueDelay,
            QueueCapacity = QueueCapacity ?? defaults.QueueCapacity,
            Instances = Instances ?? defaults.Instances,
            RequestTimeout = RequestTimeoutMs is { } timeout ? TimeSpan.FromMilliseconds(timeout) : defaults.RequestTimeout,
            ExecutionProvider = ExecutionProvider ?? defaults.ExecutionProvider,
            IntraOpThreads = IntraOpThreads ?? defaults.IntraOpThreads,
            InterOpThreads = InterOpThreads ?? defaults.InterOpThreads,
            CudaDeviceId = CudaDeviceId ?? defaults.CudaDeviceId,
            MaxSequenceLength = MaxSequenceLength ?? defaults.MaxSequenceLength,
            Normalize = Normalize ?? defaults.Normalize,
        };
        if (merged.RequestTimeout <= TimeSpan.Zero)
        {
            throw new ModelFolderException($"inference.json: requestTimeoutMs must be positive. Given: {RequestTimeoutMs}");
        }

        return merged;
    }
}
