using InferenceApi.Core.Backends;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Models;

/// <summary>What a loaded model version is and accepts, as <c>GET /v1/models/{name}</c> shows it.</summary>
public sealed record ModelDescription(
    ModelTask Task,
    IReadOnlyList<string> Labels,
    int MaxSequenceLength,
    BatchLimits Limits,
    TimeSpan RequestTimeout,
    string Placement,
    ModelSignature Signature,
    bool NormalizeByDefault = true);
