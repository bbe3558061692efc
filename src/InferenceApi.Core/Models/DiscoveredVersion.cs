namespace InferenceApi.Core.Models;

/// <summary>A version folder found on disk; <see cref="Fingerprint"/> changes whenever any file in it changes.</summary>
public sealed record DiscoveredVersion(string Name, long Version, string Directory, string Fingerprint);
