namespace InferenceApi.Core.Models;

/// <summary>A moment's view of one copy of one model version, for listings and health.</summary>
public sealed record VersionSnapshot(
    string Name,
    long Version,
    long Generation,
    ModelStatus Status,
    string? Reason,
    string Fingerprint,
    ModelDescription? Description,
    DateTimeOffset? ReadySince,
    int QueueDepth) : IVersionState;
