using System.Text.Json;

namespace InferenceApi.Serving.KServe;

/// <summary>
/// An infer request that passed the model-independent checks (<see cref="KServeRequestValidator"/>): every input
/// is a well-formed <see cref="KServeTensor"/> with a unique name, and requested outputs have unique names.
/// Adapters accept nothing else; they check what their model needs (names, datatypes, ranks, batch sizes).
/// </summary>
public sealed record ValidatedInferRequest(
    string? Id,
    IReadOnlyDictionary<string, JsonElement>? Parameters,
    IReadOnlyList<KServeTensor> Inputs,
    IReadOnlyList<string>? RequestedOutputs)
{
    public KServeTensor? Input(string name) => Inputs.FirstOrDefault(i => i.Name == name);
}
