using InferenceApi.Core.Backends;
using InferenceApi.Core.Models;
using InferenceApi.Core.Scheduling;

namespace InferenceApi.Core.Inference;

/// <summary>
/// Runs a batch of token sequences through an encoder session and cuts the output per sequence:
/// the logits row for classification, the masked mean of the hidden states for embeddings.
/// </summary>
public sealed class EncoderBatchRunner(IReadOnlyList<IEncoderSession> sessions, ModelTask task, int padTokenId, bool withTokenTypes)
    : IBatchRunner<int[], float[]>
{
    public IReadOnlyList<float[]> Run(IReadOnlyList<int[]> inputs, int instance)
    {
        using var batch = EncoderBatch.Pack(inputs, padTokenId, withTokenTypes);
        using var output = sessions[instance].Run(batch);
        var results = new float[inputs.Count][];
        var data = output.Data;
        if (task == ModelTask.TextClassification)
        {
            var width = checked((int)output.Shape[1]);
            for (var row = 0; row < results.Length; row++)
            {
                results[row] = data.Slice(row * width, width).ToArray();
            }
        }
        else
        {
            var sequence = batch.SequenceLength;
            var hidden = checked((int)output.Shape[2]);
            for (var row = 0; row < results.Length; row++)
            {
                results[row] = Pooling.MeanPool(
                    data.Slice(row * sequence * hidden, sequence * hidden),
                    batch.AttentionMask.AsSpan(row * sequence, sequence),
                    sequence,
                    hidden);
            }
        }

        return results;
    }
}
