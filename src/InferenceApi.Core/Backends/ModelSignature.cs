namespace InferenceApi.Core.Backends;

/// <summary>What a model graph takes and gives, read from the file without running it.</summary>
public sealed record ModelSignature(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs)
{
    public TensorSpec? Input(string name) => Inputs.FirstOrDefault(i => i.Name == name);

    public TensorSpec? Output(string name) => Outputs.FirstOrDefault(o => o.Name == name);
}
