using InferenceApi.Core.Models;

namespace InferenceApi.Serving;

/// <summary>
/// What a classify or embed request got back: the model version that answered, one raw output per input (logits, or
/// the pooled vector before normalisation), which inputs were truncated, and the prompt tokens.
/// </summary>
public sealed record EncoderRun(
    ModelVersion Model,
    ModelDescription Description,
    IReadOnlyList<float[]> Outputs,
    IReadOnlyList<bool> Truncated,
    int PromptTokens);
