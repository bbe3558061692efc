namespace InferenceApi.Core.Models;

/// <summary>A moment's view of one model version, for listings and health.</summary>
public sealed record VersionSnapshot(
    string Name,
    long Version,
    ModelStatus Status,
    string? Reason,
    ModelDescription? Description,
    DateTimeOffset? ReadySince,
    int QueueDepth);
