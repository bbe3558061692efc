using InferenceApi.Trainer.Checkpoints;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Training;

public sealed class LabelSmoothingTests
{
    /// <summary>
    /// With smoothing ε over ten labels the best training target is 1 - 0.9ε, so the same model, from the same
    /// weights on the same batches, ends less certain of the digits it fits; without it, it heads for certainty.
    /// </summary>
    [Fact]
    public void ImageClassifier_TrainedWithSmoothing_IsLessCertainOfWhatItFits()
    {
        var subset = TrainerData.Digits.Subset(Enumerable.Range(0, 96).ToArray());
        using var plain = new TinyVit(new VitOptions());
        using var smoothed = new TinyVit(new VitOptions());
        Assert.Empty(WeightTransfer.CopyMatching(plain, smoothed, []));

        var plainTrainer = new ImageClassificationTrainer(plain, learningRate: 3e-3);
        var smoothedTrainer = new ImageClassificationTrainer(smoothed, learningRate: 3e-3, labelSmoothing: 0.3);
        for (var epoch = 0; epoch < 40; epoch++)
        {
            plainTrainer.TrainEpoch(plain, subset, batchSize: 32, new Random(epoch));
            smoothedTrainer.TrainEpoch(smoothed, subset, batchSize: 32, new Random(epoch));
        }

        var (plainCertainty, smoothedCertainty) = (MeanTopProbability(plain, subset), MeanTopProbability(smoothed, subset));
        Assert.True(ImageClassificationTrainer.Accuracy(smoothed, subset) > 0.9, "the smoothed model still learns the digits");
        Assert.True(plainCertainty > 0.8, $"plain {plainCertainty:F3}, smoothed {smoothedCertainty:F3}");
        Assert.True(smoothedCertainty < plainCertainty - 0.1 && smoothedCertainty < 1 - (0.9 * 0.3) + 0.05, $"smoothed {smoothedCertainty:F3} vs plain {plainCertainty:F3}");
    }

    private static double MeanTopProbability(TinyVit model, InferenceApi.Trainer.Data.ImageDataset data)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (pixels, _) = data.ToTensors();
        return model.forward(pixels).softmax(-1).max(1).values.mean().item<float>();
    }
}
