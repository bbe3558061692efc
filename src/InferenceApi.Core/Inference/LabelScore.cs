namespace InferenceApi.Core.Inference;

/// <summary>One label with its probability.</summary>
public sealed record LabelScore(string Label, float Score);
