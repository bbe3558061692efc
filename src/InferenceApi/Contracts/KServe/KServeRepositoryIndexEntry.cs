namespace InferenceApi.Contracts.KServe;

/// <summary>One model version in the repository index (Triton's model repository extension).</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The version, as a string.</param>
/// <param name="State">READY, LOADING, UNLOADING or UNAVAILABLE.</param>
/// <param name="Reason">Why it is in that state, when it is not ready.</param>
public sealed record KServeRepositoryIndexEntry(string Name, string Version, string State, string Reason);
