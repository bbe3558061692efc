namespace InferenceApi.Core.Models;

/// <summary>One model as the listing and metadata routes show it, decided by <see cref="VersionPolicy.Describe"/>.</summary>
/// <param name="Serving">The version a request without a pinned version gets; null when none is ready.</param>
/// <param name="ReadyVersions">The versions a request may pin, in ascending order.</param>
/// <param name="Versions">Every known copy, highest version first.</param>
public sealed record ModelView(
    string Name,
    ModelAvailability Availability,
    VersionSnapshot? Serving,
    IReadOnlyList<long> ReadyVersions,
    IReadOnlyList<VersionSnapshot> Versions);
