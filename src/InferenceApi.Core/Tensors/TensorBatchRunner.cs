using InferenceApi.Core.Backends;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Tensors;

/// <summary>
/// Runs a batch of <see cref="TensorWork"/> on one session: the items' inputs stacked along the first dimension (one
/// item runs as it is), every graph output computed, then cut back into one slice of rows per item.
/// </summary>
public sealed class TensorBatchRunner(IReadOnlyList<ITensorSession> sessions, IReadOnlyList<string> inputNames, IReadOnlyList<string> outputNames)
    : IBatchRunner<TensorWork, IReadOnlyList<TensorValue>>
{
    /// <summary>How the error starts when an output does not follow the batch (the loader then serves the model unbatched).</summary>
    public const string NotBatchedPrefix = "output '";

    public IReadOnlyList<IReadOnlyList<TensorValue>> Run(IReadOnlyList<TensorWork> inputs, int instance)
    {
        var session = sessions[instance];
        if (inputs.Count == 1)
        {
            return [session.Run(inputNames, inputs[0].Inputs, outputNames)];
        }

        var stacked = new TensorValue[inputNames.Count];
        for (var i = 0; i < stacked.Length; i++)
        {
            stacked[i] = TensorStack.Concat(inputs.Select(item => item.Inputs[i]).ToArray());
        }

        var outputs = session.Run(inputNames, stacked, outputNames);
        var results = new IReadOnlyList<TensorValue>[inputs.Count];
        var rows = new int[inputs.Count];
        for (var item = 0; item < inputs.Count; item++)
        {
            rows[item] = checked((int)inputs[item].Inputs[0].Shape[0]);
            results[item] = new TensorValue[outputs.Count];
        }

        var total = rows.Sum();
        for (var o = 0; o < outputs.Count; o++)
        {
            var output = outputs[o];
            if (output.Shape.Length == 0 || output.Shape[0] != total)
            {
                throw new BackendException(
                    $"{NotBatchedPrefix}{outputNames[o]}' has shape [{string.Join(", ", output.Shape)}] for a batch of {total} rows; its first dimension must be the batch");
            }

            var start = 0;
            for (var item = 0; item < inputs.Count; item++)
            {
                ((TensorValue[])results[item])[o] = output.Rows(start, rows[item]);
                start += rows[item];
            }
        }

        return results;
    }
}
