using System.Text.Json;

namespace InferenceApi.Contracts.KServe;

/// <summary>Answer of an infer request.</summary>
/// <param name="ModelName">The model that answered.</param>
/// <param name="ModelVersion">The version that answered, as a string.</param>
/// <param name="Id">The request's <c>id</c>, when it had one.</param>
/// <param name="Parameters">Response parameters; none are set.</param>
/// <param name="Outputs">The output tensors.</param>
public sealed record KServeInferResponse(
    string ModelName,
    string ModelVersion,
    string? Id,
    IReadOnlyDictionary<string, JsonElement>? Parameters,
    IReadOnlyList<KServeResponseOutput> Outputs);
