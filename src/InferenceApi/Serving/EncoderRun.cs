using InferenceApi.Core.Models;

namespace InferenceApi.Serving;

/// <summary>
/// What a classify or embed request got back: one raw output per input (logits, or the pooled vector
/// before normalisation), and where the time went.
/// </summary>
public sealed record EncoderRun(
    string Model,
    long Version,
    ModelDescription Description,
    IReadOnlyList<float[]> Outputs,
    IReadOnlyList<bool> Truncated,
    int PromptTokens,
    int CacheHits,
    TimeSpan QueueTime,
    TimeSpan ComputeTime,
    int LargestBatch);
