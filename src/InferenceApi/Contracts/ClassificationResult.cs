using InferenceApi.Core.Inference;

namespace InferenceApi.Contracts;

/// <summary>One input's labels, best first.</summary>
public sealed record ClassificationResult(IReadOnlyList<LabelScore> Labels, bool Truncated);
