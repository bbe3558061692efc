using InferenceApi.Core.Inference;

namespace InferenceApi.Contracts;

/// <summary>Labels and scores for each image, in upload order.</summary>
public sealed record ImageClassifyResponse(string Model, long Version, IReadOnlyList<ImageClassificationResult> Results);

/// <summary>One image's labels, best first.</summary>
public sealed record ImageClassificationResult(IReadOnlyList<LabelScore> Labels);
