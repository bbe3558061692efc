namespace InferenceApi.Contracts;

/// <summary>One version of a model: status, refusal reason, labels and limits.</summary>
public sealed record ModelVersionInfo(
    long Version,
    string Status,
    string? Reason,
    string? Task,
    IReadOnlyList<string>? Labels,
    int? MaxSequenceLength,
    BatchingInfo? Batching,
    string? Placement,
    IReadOnlyList<string>? Inputs,
    IReadOnlyList<string>? Outputs);
