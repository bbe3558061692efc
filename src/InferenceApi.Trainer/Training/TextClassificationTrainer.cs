using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// Trains a <see cref="TinyBert"/> on labelled token sequences with AdamW (see <see cref="StepTrainer{TData}"/>);
/// <paramref name="labelSmoothing"/> mixes that much of a uniform target into each label (training loss only).
/// </summary>
public sealed class TextClassificationTrainer(
    TinyBert model, int padId, double learningRate = 1e-3, double weightDecay = StepTrainer<TextClassificationDataset>.DefaultWeightDecay, double labelSmoothing = 0)
    : IStepTrainer<TextClassificationDataset>
{
    private readonly StepTrainer<TextClassificationDataset> steps = new(model, batch => LossTensor(model, batch, padId, labelSmoothing), learningRate, weightDecay);

    public double Step(TextClassificationDataset batch) => steps.Step(batch);

    public static double Loss(TinyBert model, TextClassificationDataset data, int padId) => Evaluate(model, data, padId).Loss;

    public static double Accuracy(TinyBert model, TextClassificationDataset data, int padId) => Evaluate(model, data, padId).Metrics["accuracy"];

    /// <summary>Loss and accuracy in batches (each padded to its own longest sequence only).</summary>
    /// <param name="model">A <see cref="TinyBert"/>, or anything with its inputs and logits (a <see cref="TinyBertEnsemble"/>).</param>
    public static Evaluation Evaluate(nn.Module<Tensor, Tensor, Tensor> model, TextClassificationDataset data, int padId, int batchSize = ClassificationEvaluation.DefaultBatchSize) =>
        ClassificationEvaluation.Run(model, data.Count, batchSize, indices =>
        {
            var (ids, mask, labels) = data.Subset(indices).ToTensors(padId);
            return (model.forward(ids, mask), labels);
        });

    private static Tensor LossTensor(TinyBert model, TextClassificationDataset batch, int padId, double labelSmoothing)
    {
        var (ids, mask, labels) = batch.ToTensors(padId);
        return nn.functional.cross_entropy(model.forward(ids, mask), labels, label_smoothing: labelSmoothing);
    }
}
