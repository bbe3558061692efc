using InferenceApi.Core.Models;

namespace InferenceApi.Validation;

/// <summary>A validated model name with an optional pinned version.</summary>
public sealed record ModelSelector(ModelName Name, long? Version);
