namespace InferenceApi.Serving;

/// <summary>One output per input, how many came from the cache, and where the others' time went.</summary>
public sealed record CachedBatch(IReadOnlyList<float[]> Outputs, int CacheHits, TimeSpan QueueTime, TimeSpan ComputeTime, int LargestBatch);
