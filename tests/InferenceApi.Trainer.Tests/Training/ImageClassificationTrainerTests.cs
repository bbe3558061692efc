using InferenceApi.Trainer.Data;
using InferenceApi.Trainer.Models;
using InferenceApi.Trainer.Training;
using static TorchSharp.torch;

namespace InferenceApi.Trainer.Tests.Training;

public sealed class ImageClassificationTrainerTests
{
    [Fact]
    public void TrainEpoch_SmallSubset_ReducesLoss()
    {
        manual_seed(1);
        var subset = TrainerData.Digits.Subset(Enumerable.Range(0, 128).ToArray());
        using var model = new TinyVit(new VitOptions());
        var trainer = new ImageClassificationTrainer(model, learningRate: 3e-3);
        var before = ImageClassificationTrainer.Loss(model, subset);

        var random = new Random(1);
        for (var epoch = 0; epoch < 10; epoch++)
        {
            trainer.TrainEpoch(model, subset, batchSize: 32, random);
        }

        var after = ImageClassificationTrainer.Loss(model, subset);
        Assert.True(after < before * 0.8, $"loss {before:F4} -> {after:F4}");
    }

    [Fact]
    public void TinyVit_Parameters_AreAllRegistered()
    {
        using var model = new TinyVit(new VitOptions());

        // patch embedding 2 + cls + positions + 2 blocks × 16 + final LN 2 + classifier 2
        Assert.Equal(2 + 1 + 1 + (2 * 16) + 2 + 2, model.parameters().Count());
    }

    [Fact]
    public void StratifiedSplit_Digits_HoldsOutAFifthOfEveryClass()
    {
        var (train, holdOut) = TrainerData.Digits.StratifiedSplit(0.2, seed: 42);

        Assert.Equal(TrainerData.Digits.Count, train.Count + holdOut.Count);
        foreach (var label in Enumerable.Range(0, 10))
        {
            var all = TrainerData.Digits.Labels.Count(l => l == label);
            Assert.Equal((int)Math.Round(all * 0.2), holdOut.Labels.Count(l => l == label));
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => DigitsCsv.Load("/nonexistent/digits.csv"));
    }
}
