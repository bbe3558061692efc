using InferenceApi.Core.Backends;
using InferenceApi.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// Loss and accuracy of a classifier's ONNX graph (its <c>logits</c> output, [n, labels]) under ONNX Runtime, batch by
/// batch: the same figures <see cref="ClassificationEvaluation"/> gives for the TorchSharp model, so the two compare
/// (for example a float32 checkpoint against its int8 export).
/// </summary>
public static class OnnxClassification
{
    /// <param name="inputs">The graph's named inputs for the examples with these indices; the values are disposed after the run.</param>
    /// <param name="labels">Each example's label index.</param>
    public static Evaluation Run(byte[] onnx, IReadOnlyList<int> labels, int batchSize, Func<int[], IReadOnlyDictionary<string, OrtValue>> inputs)
    {
        using var options = Int8Kernels.NewSessionOptions();
        using var session = new InferenceSession(onnx, options);
        using var runOptions = new RunOptions();
        double lossSum = 0;
        long correct = 0;
        foreach (var batch in Batches.InOrder(labels.Count, batchSize))
        {
            var feed = inputs(batch);
            try
            {
                using var outputs = session.Run(runOptions, [.. feed.Keys], [.. feed.Values], [OptimumLayout.Logits]);
                var logits = outputs[0].GetTensorDataAsSpan<float>();
                var width = logits.Length / batch.Length;
                for (var i = 0; i < batch.Length; i++)
                {
                    var row = logits.Slice(i * width, width);
                    var label = labels[batch[i]];
                    var max = float.NegativeInfinity;
                    var best = 0;
                    for (var j = 0; j < width; j++)
                    {
                        (max, best) = row[j] > max ? (row[j], j) : (max, best);
                    }

                    double sum = 0;
                    foreach (var value in row)
                    {
                        sum += Math.Exp(value - max);
                    }

                    lossSum += Math.Log(sum) + max - row[label];
                    correct += best == label ? 1 : 0;
                }
            }
            finally
            {
                foreach (var value in feed.Values)
                {
                    value.Dispose();
                }
            }
        }

        return new Evaluation(labels.Count, lossSum / Math.Max(labels.Count, 1), new Dictionary<string, double>
        {
            ["accuracy"] = (double)correct / Math.Max(labels.Count, 1),
        });
    }
}
