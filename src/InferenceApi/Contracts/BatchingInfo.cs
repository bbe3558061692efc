namespace InferenceApi.Contracts;

/// <summary>The batching limits a model version runs with.</summary>
public sealed record BatchingInfo(int MaxBatchSize, int MaxBatchTokens, double MaxQueueDelayMs, int QueueCapacity, int Instances, double RequestTimeoutMs, int QueueDepth);
