using System.Text.Json.Serialization;
using InferenceApi.Core.Backends;

namespace InferenceApi.Contracts.KServe;

/// <summary>One output tensor of an infer response.</summary>
/// <param name="Name">The output's name from the model metadata.</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="Datatype">Open Inference Protocol datatype.</param>
/// <param name="Parameters">Output parameters: <c>binary_data_size</c> when the tensor's bytes follow the JSON (binary tensor extension).</param>
/// <param name="Data">The elements as a flat row-major array (numbers, true/false for BOOL, strings for BYTES); absent when sent as binary data.</param>
public sealed record KServeResponseOutput(
    string Name,
    IReadOnlyList<long> Shape,
    string Datatype,
    IReadOnlyDictionary<string, object>? Parameters,
    [property: JsonConverter(typeof(TensorDataJsonConverter))] TensorValue? Data);
