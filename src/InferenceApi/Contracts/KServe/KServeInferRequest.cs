using System.Text.Json;

namespace InferenceApi.Contracts.KServe;

/// <summary>Body of <c>POST /v2/models/{name}[/versions/{version}]/infer</c>, before validation.</summary>
/// <param name="Id">Echoed in the response.</param>
/// <param name="Parameters">Request parameters; <c>truncate</c> (bool) applies to a <c>text</c> input, the rest are ignored.</param>
/// <param name="Inputs">The input tensors.</param>
/// <param name="Outputs">The outputs wanted, by name (default: all).</param>
public sealed record KServeInferRequest(
    string? Id,
    IReadOnlyDictionary<string, JsonElement>? Parameters,
    IReadOnlyList<KServeRequestInput>? Inputs,
    IReadOnlyList<KServeRequestOutput>? Outputs);
