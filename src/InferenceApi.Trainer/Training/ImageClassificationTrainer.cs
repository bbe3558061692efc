using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>Trains a <see cref="TinyVit"/> on images with AdamW (see <see cref="StepTrainer{TData}"/>).</summary>
public sealed class ImageClassificationTrainer(TinyVit model, double learningRate = 3e-3, int batchSize = 64, double weightDecay = StepTrainer<ImageDataset>.DefaultWeightDecay)
    : IStepTrainer<ImageDataset>
{
    private readonly StepTrainer<ImageDataset> steps = new(model, batch => LossTensor(model, batch), learningRate, weightDecay);

    /// <summary>One epoch over <paramref name="data"/> in a seeded random order; returns the mean loss.</summary>
    public double TrainEpoch(ImageDataset data, Random random, int? maxSteps = null)
    {
        model.train();
        double total = 0;
        var count = 0;
        foreach (var batch in Batches.Shuffled(data.Count, batchSize, random).Take(maxSteps ?? int.MaxValue))
        {
            total += Step(data.Subset(batch));
            count++;
        }

        return total / Math.Max(count, 1);
    }

    public double Step(ImageDataset batch) => steps.Step(batch);

    public static double Loss(TinyVit model, ImageDataset data) => Evaluate(model, data).Loss;

    public static double Accuracy(TinyVit model, ImageDataset data) => Evaluate(model, data).Metrics["accuracy"];

    public static Evaluation Evaluate(TinyVit model, ImageDataset data, int batchSize = ClassificationEvaluation.DefaultBatchSize) =>
        ClassificationEvaluation.Run(model, data.Count, batchSize, indices =>
        {
            var (pixels, labels) = data.Subset(indices).ToTensors();
            return (model.forward(pixels), labels);
        });

    private static Tensor LossTensor(TinyVit model, ImageDataset batch)
    {
        var (pixels, labels) = batch.ToTensors();
        return nn.functional.cross_entropy(model.forward(pixels), labels);
    }
}
