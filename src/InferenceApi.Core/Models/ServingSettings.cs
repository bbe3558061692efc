using InferenceApi.Core.Backends;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Models;

/// <summary>How one model version is served: the server defaults, overridden field by field by its <c>inference.json</c>.</summary>
public sealed record ServingSettings
{
    public ModelTask? Task { get; init; }

    public int MaxBatchSize { get; init; }

    public int MaxBatchTokens { get; init; }

    public TimeSpan MaxQueueDelay { get; init; }

    public int QueueCapacity { get; init; }

    public int Instances { get; init; }

    public TimeSpan RequestTimeout { get; init; }

    public ExecutionProvider ExecutionProvider { get; init; }

    public int IntraOpThreads { get; init; }

    public int InterOpThreads { get; init; }

    public int CudaDeviceId { get; init; }

    /// <summary>A cap on input tokens below what the model itself allows; null leaves the model's own limit.</summary>
    public int? MaxSequenceLength { get; init; }

    /// <summary>Embeddings: L2-normalise vectors unless the request says otherwise.</summary>
    public bool Normalize { get; init; } = true;

    public BatchLimits ToBatchLimits() => new(MaxBatchSize, MaxBatchTokens, MaxQueueDelay, QueueCapacity, Instances);

    public SessionSettings ToSessionSettings() => new(ExecutionProvider, IntraOpThreads, InterOpThreads, CudaDeviceId);
}
