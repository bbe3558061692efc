namespace InferenceApi.Core.Backends;

/// <summary>One loaded copy of any graph, fed and read as raw tensors by name (the tensor task); one run at a time.</summary>
public interface ITensorSession : IDisposable
{
    /// <summary>Where the session runs ("CPU", "CUDA:0", or why CUDA fell back).</summary>
    string Placement { get; }

    /// <summary>
    /// Runs the graph on <paramref name="inputs"/> (one per graph input, in <paramref name="inputNames"/> order) and
    /// returns the outputs named in <paramref name="outputNames"/>, in that order, copied into managed memory.
    /// </summary>
    IReadOnlyList<TensorValue> Run(IReadOnlyList<string> inputNames, IReadOnlyList<TensorValue> inputs, IReadOnlyList<string> outputNames);
}
