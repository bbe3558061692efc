namespace InferenceApi.Validation;

/// <summary>A validated model name with an optional pinned version.</summary>
public sealed record ModelSelector(string Name, long? Version);
