namespace InferenceApi.Serving;

/// <summary>One output per input, and where the inputs went (how many came from the cache, the others' times).</summary>
public sealed record CachedBatch(IReadOnlyList<float[]> Outputs, RunReport Report);
