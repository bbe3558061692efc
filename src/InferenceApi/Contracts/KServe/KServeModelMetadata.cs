namespace InferenceApi.Contracts.KServe;

/// <summary>Answer of <c>GET /v2/models/{name}[/versions/{version}]</c>.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Versions">The ready versions (only the pinned one on a versioned route), as strings.</param>
/// <param name="Platform">Always <c>onnxruntime_onnx</c>.</param>
/// <param name="Inputs">What an infer request may send.</param>
/// <param name="Outputs">What an infer response carries.</param>
public sealed record KServeModelMetadata(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<KServeTensorMetadata> Inputs,
    IReadOnlyList<KServeTensorMetadata> Outputs);
