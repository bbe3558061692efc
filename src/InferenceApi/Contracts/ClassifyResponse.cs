namespace InferenceApi.Contracts;

/// <summary>Labels and scores for each input, in input order.</summary>
public sealed record ClassifyResponse(string Model, long Version, IReadOnlyList<ClassificationResult> Results, Usage Usage);
