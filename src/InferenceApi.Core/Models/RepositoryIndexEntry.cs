namespace InferenceApi.Core.Models;

/// <summary>
/// One model version of the repository index (Triton's model repository extension): on disk, loaded, or both.
/// <see cref="State"/> is Triton's: <c>READY</c>, <c>LOADING</c>, <c>UNLOADING</c>, or <c>UNAVAILABLE</c> (refused,
/// unloaded, or not among the versions served) with the <see cref="Reason"/>.
/// </summary>
public sealed record RepositoryIndexEntry(string Name, long Version, string State, string Reason);
