namespace InferenceApi.Core.Models;

/// <summary>
/// <see cref="VersionPolicy.PlanScan"/>'s answer for one look at the repository folder: the folders to load now,
/// the versions to retire (with the reason logged and shown), and the fingerprint of every folder it saw, to compare
/// at the next scan.
/// </summary>
public sealed record ScanPlan<T>(
    IReadOnlyList<DiscoveredVersion> Load,
    IReadOnlyList<(T Version, string Reason)> Retire,
    IReadOnlyDictionary<(string Name, long Version), string> Seen)
    where T : IVersionState;
