using System.Text.Json;

namespace InferenceApi.Contracts.KServe;

/// <summary>An output an infer request asks for.</summary>
/// <param name="Name">The output's name from the model metadata.</param>
/// <param name="Parameters">Output parameters; ignored (binary data is not supported).</param>
public sealed record KServeRequestOutput(string? Name, IReadOnlyDictionary<string, JsonElement>? Parameters);
