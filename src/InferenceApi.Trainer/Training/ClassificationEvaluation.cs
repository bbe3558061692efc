using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>Cross-entropy loss and accuracy of any classifier, in eval mode, without gradients, batch by batch.</summary>
public static class ClassificationEvaluation
{
    public const int DefaultBatchSize = 256;

    /// <param name="forward">Logits [n, labels] and labels [n] (int64) of the examples with these indices.</param>
    public static Evaluation Run(nn.Module model, int count, int batchSize, Func<int[], (Tensor Logits, Tensor Labels)> forward)
    {
        model.eval();
        using var noGrad = no_grad();
        double lossSum = 0;
        long correct = 0;
        foreach (var batch in Batches.InOrder(count, batchSize))
        {
            using var scope = NewDisposeScope();
            var (logits, labels) = forward(batch);
            lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(labels).sum().item<long>();
        }

        return new Evaluation(count, lossSum / Math.Max(count, 1), new Dictionary<string, double>
        {
            ["accuracy"] = (double)correct / Math.Max(count, 1),
        });
    }
}
