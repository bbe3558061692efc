using System.Text.Json;

namespace InferenceApi.Contracts.KServe;

/// <summary>One input tensor of an infer request.</summary>
/// <param name="Name">The input's name from the model metadata.</param>
/// <param name="Shape">Dimensions; their product must equal the number of data elements.</param>
/// <param name="Datatype">Open Inference Protocol datatype (<c>INT64</c>, <c>INT32</c>, <c>FP32</c>, <c>BYTES</c>).</param>
/// <param name="Parameters">Input parameters (e.g. <c>truncate</c> for <c>text</c>).</param>
/// <param name="Data">The elements, row-major: a flat array or nested arrays.</param>
public sealed record KServeRequestInput(
    string? Name,
    IReadOnlyList<long>? Shape,
    string? Datatype,
    IReadOnlyDictionary<string, JsonElement>? Parameters,
    JsonElement? Data);
