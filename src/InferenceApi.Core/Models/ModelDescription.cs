using InferenceApi.Core.Backends;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Models;

/// <summary>What a loaded model version is and accepts, as <c>GET /v1/models/{name}</c> shows it.</summary>
/// <param name="HiddenSize">An embeddings model's vector width when its graph fixes it; null when the graph leaves it dynamic.</param>
public sealed record ModelDescription(
    ModelTask Task,
    IReadOnlyList<string> Labels,
    int MaxSequenceLength,
    BatchLimits Limits,
    TimeSpan RequestTimeout,
    string Placement,
    ModelSignature Signature,
    bool NormalizeByDefault = true,
    int? HiddenSize = null);
