using InferenceApi.Core.Backends;

namespace InferenceApi.Core.Tensors;

/// <summary>
/// Inputs that passed <see cref="TensorRuntime.Validate"/>: one per graph input, in graph order, of the graph's element
/// types and shapes, with <see cref="Rows"/> rows along the batch dimension when the model batches (1 when it does not).
/// The runtime accepts nothing else.
/// </summary>
public sealed class TensorRequest
{
    internal TensorRequest(IReadOnlyList<TensorValue> inputs, int rows)
    {
        Inputs = inputs;
        Rows = rows;
    }

    public IReadOnlyList<TensorValue> Inputs { get; }

    public int Rows { get; }
}
