using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Training;

/// <summary>
/// Trains a <see cref="TinyVit"/> on images with AdamW (see <see cref="StepTrainer{TData}"/>);
/// <paramref name="labelSmoothing"/> mixes that much of a uniform target into each label (training loss only);
/// <paramref name="augmenter"/>, when given, varies every training batch (never evaluation); <paramref name="schedule"/>,
/// when given, sets each step's learning rate.
/// </summary>
public sealed class ImageClassificationTrainer(
    TinyVit model, double learningRate = 3e-3, double weightDecay = StepTrainer<ImageDataset>.DefaultWeightDecay, double labelSmoothing = 0,
    ImageAugmenter? augmenter = null, LearningRateSchedule? schedule = null)
    : IStepTrainer<ImageDataset>
{
    private readonly StepTrainer<ImageDataset> steps = new(model, batch => LossTensor(model, batch, labelSmoothing, augmenter), learningRate, weightDecay, schedule);

    /// <summary>The rate the next step uses.</summary>
    public double CurrentRate => steps.CurrentRate;

    public double Step(ImageDataset batch) => steps.Step(batch);

    public static double Loss(TinyVit model, ImageDataset data) => Evaluate(model, data).Loss;

    public static double Accuracy(TinyVit model, ImageDataset data) => Evaluate(model, data).Metrics["accuracy"];

    public static Evaluation Evaluate(TinyVit model, ImageDataset data, int batchSize = ClassificationEvaluation.DefaultBatchSize) =>
        ClassificationEvaluation.Run(model, data.Count, batchSize, indices =>
        {
            var (pixels, labels) = data.Subset(indices).ToTensors();
            return (model.forward(pixels), labels);
        });

    private static Tensor LossTensor(TinyVit model, ImageDataset batch, double labelSmoothing, ImageAugmenter? augmenter)
    {
        var (pixels, labels) = batch.ToTensors();
        if (augmenter is not null)
        {
            pixels = augmenter.Apply(pixels);
        }

        return nn.functional.cross_entropy(model.forward(pixels), labels, label_smoothing: labelSmoothing);
    }
}
