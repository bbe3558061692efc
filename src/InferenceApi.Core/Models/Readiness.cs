namespace InferenceApi.Core.Models;

/// <summary>
/// What readiness says, decided once by <see cref="VersionPolicy.Assess"/> and rendered by both
/// <c>/health/ready</c> (every entry) and <c>/v2/health/ready</c> (<see cref="IsReady"/> only).
/// </summary>
public sealed record Readiness(bool IsReady, IReadOnlyList<ReadinessEntry> Entries);
