namespace InferenceApi.Contracts.KServe;

/// <summary>Answer of <c>GET /v2</c> (Open Inference Protocol server metadata).</summary>
/// <param name="Name">The server's name: <c>inference-api</c>.</param>
/// <param name="Version">The server's version.</param>
/// <param name="Extensions">Protocol extensions supported; none.</param>
public sealed record KServeServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);
